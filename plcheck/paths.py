"""Where files are: the repository root, and paths relative to it (for locations)."""

from __future__ import annotations

import os
from pathlib import Path


def repo_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``.git``; ``start`` when none."""
    start = start.absolute()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def repo_relative(path: Path) -> str:
    """``path`` relative to its repository's root, with ``/``; as given outside a repository."""
    absolute = path.absolute()
    root = repo_root(absolute.parent)
    if not (root / ".git").exists():
        return path.as_posix()
    return Path(os.path.relpath(absolute, root)).as_posix()
