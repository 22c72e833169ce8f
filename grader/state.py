"""A small progress file (hints seen, last results), kept like rustlings' state file.

It lives in the course folder, `.grader/state.json`. When that folder cannot be written (a
read-only checkout, a shared lab drive), it goes to the user's cache directory instead, keyed by
a hash of the course's path, and `save` returns a notice, once, for the command to print. The
newer of the two is the one read; a later save into the course folder removes the cache copy.
Losing the file loses nothing important, so a damaged one is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from labkit.files import write_text

STATE_DIR = ".grader"
APP = "momentum-lab"


def path(root: Path) -> Path:
    """Where the progress file lives in the course folder."""
    return root / STATE_DIR / "state.json"


def cache_dir() -> Path:
    """The user's cache directory for momentum-lab, by platformdirs' rules (user_cache_dir
    with appauthor=False), written out here rather than adding a dependency for it."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / APP
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(base or Path.home() / ".cache") / APP


def fallback_path(root: Path) -> Path:
    """The progress file for this course in the cache directory."""
    key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return cache_dir() / "courses" / key / "state.json"


def load(root: Path) -> dict[str, Any]:
    """The progress saved last: the newer of the course folder's file and the cache copy."""
    found = []
    for candidate in (path(root), fallback_path(root)):
        try:
            found.append((candidate.stat().st_mtime, candidate))
        except OSError:
            continue
    if not found:
        return {}
    try:
        data = json.loads(max(found)[1].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(root: Path, data: dict[str, Any]) -> str | None:
    """Save into the course folder, or, if it cannot be written, the cache directory.

    Returns a notice the first time the cache directory is used for this course (None
    otherwise). Raises OSError when neither place can be written."""
    text = json.dumps(data, indent=2, sort_keys=True)
    fallback = fallback_path(root)
    try:
        _write(path(root), text)
    except OSError as exc:
        first = not fallback.exists()
        _write(fallback, text)
        if not first:
            return None
        reason = exc.strerror or type(exc).__name__
        return (
            f"The course folder {root} cannot be written ({reason}), so your progress (hints "
            f"seen, last results) is kept in {fallback.parent} instead."
        )
    try:
        fallback.unlink()  # the course folder is writable again: one copy, not two
    except OSError:
        pass  # none there (the usual case), or it cannot be removed: load() takes the newer
    return None


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, text)


def digest(file: Path) -> str:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return ""
