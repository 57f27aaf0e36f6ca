"""``python -m assignments ...``: the same command line as ``assignments ...``."""

from assignments.cli import main

main()
