"""Run plcheck as ``python -m plcheck``."""

from plcheck.cli import main

main()
