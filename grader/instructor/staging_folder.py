"""The batch's staging folder: made, held while the batch runs, removed; and those of killed
batches removed by the next one.

A staging folder holds a copy of a whole class's code. `grader grade` removes its own however
it ends, except when it is killed outright (SIGKILL, the OOM killer, a power cut). Then the next
batch removes it: each batch holds a lock on a file in its folder (POSIX), and a folder whose
lock nobody holds, and which is older than a minute, belongs to no running batch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = "grader-batch-"
LOCK = ".grader-batch.lock"
GRACE_SECONDS = 60  # a folder this new may be a batch's that has not taken its lock yet


@contextmanager
def staging_folder() -> Iterator[Path]:
    """A fresh private folder for the batch's staged submissions, removed at the end."""
    remove_abandoned(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    held = _hold(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if held is not None:
            os.close(held)


def remove_abandoned(parent: Path) -> list[Path]:
    """Remove the staging folders under `parent` that no running batch holds; POSIX only
    (elsewhere there is no lock to tell, and nothing is removed)."""
    try:
        import fcntl
    except ImportError:
        return []
    removed = []
    for folder in parent.glob(PREFIX + "*"):
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            fd = os.open(folder / LOCK, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue  # not ours, or from a grader that made no lock: leave it
        try:
            if time.time() - os.fstat(fd).st_mtime < GRACE_SECONDS:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a running batch holds it
        finally:
            os.close(fd)  # closing drops our lock too; the folder goes next
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _hold(folder: Path) -> int | None:
    try:
        import fcntl
    except ImportError:
        return None
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh file: nobody else holds it
    return fd
