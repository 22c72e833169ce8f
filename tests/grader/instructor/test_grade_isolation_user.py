"""`grader grade` with the separate-user backend: what a Gradescope container (root, no
bubblewrap) gets. Each worker runs as its own uid, so the protected folders, the other
students' files, the judge's environment and the fork server are out of its reach.

The backend needs root (CI runs as root); elsewhere it cannot exist, so the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor.batch import close_workers, grade
from grader.sandbox import isolation
from grader.sandbox.isolation import Isolation, IsolationUnavailable

sys.path.insert(0, os.path.dirname(__file__))
from test_grade_isolation import (  # noqa: E402
    DIRFD_READ,
    HIDE,
    KILL,
    LEAK,
    MUTATE,
    PEEK,
    SIGN_BUG,
    TOKEN,
    grades,
    student,
    tree_hash,
)

from helpers import REPO  # noqa: E402

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ROOT and sys.platform.startswith("linux")),
        reason="the separate-user backend needs root on Linux",
    ),  # fmt: skip
    pytest.mark.platform("the separate-user backend needs root on Linux"),
]


@pytest.fixture
def open_tmp():
    """A folder every user can traverse (pytest's own tmp_path is the owner's only, which
    would keep the workers out whatever the backend did)."""
    folder = tempfile.mkdtemp(prefix="mlab-user-backend-", dir="/tmp")
    os.chmod(folder, 0o755)
    yield Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_hostile_class_under_the_user_backend(open_tmp, monkeypatch) -> None:
    tmp_path = open_tmp
    course = tmp_path / "course"
    shutil.copytree(REPO / "solutions", course / "solutions")
    shutil.copytree(REPO / "exercises", course / "exercises")
    shutil.copy(REPO / "grader" / "course.toml", course / "course.toml")
    os.chmod(course / "solutions", 0o755)  # as a checkout has it: readable by everybody
    subs = tmp_path / "subs"
    alice = student(subs, "alice")
    student(subs, "bob", extra={"momentum.py": SIGN_BUG})
    student(subs, "thief", solved=False, extra={"momentum.py": DIRFD_READ.format(
        course=str(course))})  # fmt: skip
    student(subs, "killer", extra={"momentum.py": KILL})
    student(subs, "peeker", solved=False, extra={"momentum.py": PEEK.format(
        source=str(alice / "momentum.py"))})  # fmt: skip
    student(subs, "leaker", extra={"nesterov.py": LEAK})
    student(subs, "mutator", extra={"momentum.py": MUTATE.format(hide="")})
    student(subs, "hider", extra={"momentum.py": MUTATE.format(hide=HIDE)})
    os.chmod(subs, 0o700)  # submissions are the instructor's: not readable by other users
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("MOMENTUM_LAB_API_TOKEN", TOKEN)
    monkeypatch.setattr(isolation, "_bwrap", lambda: Isolation("none", notes=("no bwrap",)))
    if not isolation._user([]).isolated:
        # This interpreter cannot be run by another user here (its venv or its libpython sits in
        # a private folder, as in CI's mktemp venvs): then `required` must refuse, saying why.
        with pytest.raises(IsolationUnavailable, match="cannot run .* with numpy"):
            isolation.choose("required", [course / "solutions", out])
        return
    chosen = isolation.choose("required", [course / "solutions", out])
    assert chosen.backend == "user", chosen.describe()
    assert stat.S_IMODE(os.stat(course / "solutions").st_mode) & 0o007 == 0
    before = tree_hash(course, subs)
    try:
        batch = grade(load_course(course), [subs], out, seed=11, jobs=1, isolation=chosen)
    finally:
        close_workers()
    assert batch.isolation == "user"
    rows = grades(out)
    assert rows["alice"]["total"] == "14" and rows["bob"]["total"] != "14"
    assert rows["thief"]["total"] == "0"
    assert rows["peeker"]["total"] == "0"
    assert rows["killer"]["total"] == "14"
    assert float(rows["mutator"]["momentum_step"]) < float(rows["alice"]["momentum_step"])
    assert rows["hider"]["momentum_step"] == rows["mutator"]["momentum_step"]
    for path in out.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace"), path
    assert "PATH" in (out / "feedback" / "leaker.txt").read_text(encoding="utf-8")
    assert tree_hash(course, subs) == before
