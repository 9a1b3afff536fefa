"""Functional tests of the reference systems, through the emulator."""
