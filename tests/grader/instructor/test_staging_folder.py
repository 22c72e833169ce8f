"""A killed batch's staging folder (a whole class's code) is removed by the next batch."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from grader.instructor import staging_folder as staging

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="the lock is POSIX's flock"),
    pytest.mark.platform("the lock is POSIX's flock"),
]


def abandoned(parent: Path, name: str, age: float = 3600, lock: bool = True) -> Path:
    folder = parent / f"{staging.PREFIX}{name}"
    (folder / "s0" / "exercises").mkdir(parents=True)
    (folder / "s0" / "exercises" / "momentum.py").write_text("def momentum_step(): ...\n")
    if lock:
        (folder / staging.LOCK).write_text("")
        then = time.time() - age
        os.utime(folder / staging.LOCK, (then, then))
    return folder


def test_only_folders_nobody_holds_are_removed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(staging.tempfile, "tempdir", str(tmp_path))
    dead = abandoned(tmp_path, "dead")
    young = abandoned(tmp_path, "young", age=5)  # may be a batch that has not locked it yet
    older_grader = abandoned(tmp_path, "nolock", lock=False)
    unrelated = tmp_path / "momentum-lab-x"
    unrelated.mkdir()
    with staging.staging_folder() as live:
        assert not dead.exists()  # the new batch removed it on its way in
        then = time.time() - 3600
        os.utime(live / staging.LOCK, (then, then))
        assert staging.remove_abandoned(tmp_path) == []  # a running batch's is held
        assert live.is_dir() and young.is_dir() and older_grader.is_dir() and unrelated.is_dir()
    assert not live.exists()


def test_a_symlink_named_like_a_staging_folder_is_left_alone(tmp_path: Path) -> None:
    target = abandoned(tmp_path / "elsewhere", "target")
    (tmp_path / f"{staging.PREFIX}link").symlink_to(target)
    assert staging.remove_abandoned(tmp_path) == []
    assert target.is_dir()
