"""``python -m emulator``: the command-line entry point (see :mod:`emulator.cli`)."""

from emulator.cli import main

raise SystemExit(main())
