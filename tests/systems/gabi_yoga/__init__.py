"""Gabi Yoga (issue 4) through the emulator: every route, the journey, migration, properties."""
