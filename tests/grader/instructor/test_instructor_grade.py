"""`grader grade`: a tiny class of submissions graded through the command, in a subprocess."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor.submissions import (
    Submission,
    SubmissionError,
    discover,
    extract_zip,
    stage,
)
from helpers import REPO

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them

SOLUTIONS = REPO / "solutions"
SEED = "7"
SIGN_BUG = """
def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):
    new_velocity = beta * velocity + lr * grad
    return theta + new_velocity, new_velocity
"""
LOOP = """
def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):
    while True:
        pass
"""
SPY = """
import pathlib
def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    return len(pathlib.Path({path!r}).read_text())
"""


def instructor(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def solved(folder: Path, extra: dict[str, str] | None = None) -> Path:
    shutil.copytree(SOLUTIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name, source in (extra or {}).items():
        (folder / name).write_text((folder / name).read_text() + "\n" + source)
    return folder


@pytest.fixture
def klass(tmp_path: Path) -> Path:
    subs = tmp_path / "subs"
    subs.mkdir()
    solved(subs / "alice" / "exercises")
    solved(subs / "bob", {"momentum.py": SIGN_BUG})
    (subs / "carol.py").write_text("def momentum_step(:\n")
    (subs / "dan").mkdir()
    with zipfile.ZipFile(subs / "eve.zip", "w") as zf:
        zf.writestr("../escape.py", "x = 1\n")
    solved(subs / "fay", {"nesterov.py": LOOP})
    with zipfile.ZipFile(subs / "gus.zip", "w") as zf:
        for file in sorted(SOLUTIONS.glob("*.py")):
            zf.write(file, f"gus/exercises/{file.name}")
    # hal tries to read alice's staged-or-original files: the sandbox must refuse.
    solved(subs / "hal", {"tuning.py": SPY.format(path=str(subs / "alice/exercises/tuning.py"))})
    return subs


def rows(out: Path) -> tuple[dict, dict[str, dict[str, str]]]:
    """grades.json, and grades.csv read as any CSV reader would (header row first)."""
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        table = {r["student"]: r for r in csv.DictReader(handle)}
    return json.loads((out / "grades.json").read_text()), table


def test_grade_a_class(klass: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = instructor("grade", str(klass), "--out", str(out), "--seed", SEED, "--timeout", "1")
    assert done.returncode == 0, done.stderr
    sidecar, graded = rows(out)
    assert sidecar["seed"] == int(SEED) and sidecar["checks"] in done.stdout
    names = load_course(REPO).names
    assert (out / "grades.csv").read_text().splitlines()[0] == ",".join(
        ["student", *names, "total", "max", "status"]
    )
    assert list(graded) == ["alice", "bob", "carol", "dan", "eve", "fay", "gus", "hal"]
    assert graded["alice"]["status"] == "passed" and graded["alice"]["total"] == "14"
    assert graded["gus"]["status"] == "passed"
    # The sign bug fails momentum_step and optimize (how many points are left is the checks'
    # business) and leaves nesterov_step whole.
    assert graded["bob"]["status"].startswith("failed: momentum_step ")
    assert graded["bob"]["status"].endswith(", optimize failed")
    assert float(graded["bob"]["momentum_step"]) < 4 and graded["bob"]["nesterov_step"] == "3"
    assert "SyntaxError" in graded["carol"]["status"]
    assert graded["dan"]["status"] == "error: the submission is empty"
    assert "outside the folder" in graded["eve"]["status"]
    assert graded["fay"]["status"] == "failed: nesterov_step timeout"
    assert graded["fay"]["total"] == "11"
    assert graded["hal"]["steps_to_converge"] == "0"
    hal = (out / "feedback" / "hal.txt").read_text()
    assert "is not allowed while grading" in hal
    for student in graded:
        data = json.loads((out / "feedback" / f"{student}.json").read_text())
        assert data["extra_data"]["seed"] == int(SEED)
        assert data["score"] == float(graded[student]["total"])
    assert not (tmp_path / "escape.py").exists()
    assert "Graded 8 submissions" in done.stdout


def test_feedback_is_what_grader_check_prints(klass: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    graded = instructor("grade", str(klass / "bob"), "--out", str(out), "--seed", SEED)
    assert graded.returncode == 0, graded.stderr
    course = tmp_path / "course"
    shutil.copytree(klass / "bob", course / "exercises")
    shutil.copytree(SOLUTIONS, course / "solutions")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    check = subprocess.run(
        [sys.executable, "-m", "grader", "check", "--path", str(course), "--seed", SEED],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert check.returncode == 1
    # Everything but the first line (which names the folder) is the same; the batch shows the
    # student's folder as `exercises/`, as the student knows it.
    shown = check.stdout.replace(f"{course}{os.sep}exercises{os.sep}", "exercises/")
    assert (out / "feedback" / "bob.txt").read_text().splitlines()[1:] == shown.splitlines()[1:]


def test_rerun_skips_unless_forced_or_changed(klass: Path, tmp_path: Path) -> None:
    subs = tmp_path / "few"
    subs.mkdir()
    for name in ("alice", "bob"):
        shutil.move(klass / name, subs / name)
    out = tmp_path / "out"
    first = instructor("grade", str(subs), "--out", str(out), "--jobs", "1")
    assert first.returncode == 0, first.stderr
    stamp = (out / "feedback" / "alice.json").stat().st_mtime_ns
    again = instructor("grade", str(subs), "--out", str(out))  # seed read from grades.csv
    assert "Graded 0 submissions" in again.stdout and "2 already graded" in again.stdout
    assert (out / "feedback" / "alice.json").stat().st_mtime_ns == stamp
    assert rows(out)[1]["bob"]["status"].startswith("failed")
    (subs / "bob" / "momentum.py").write_text((SOLUTIONS / "momentum.py").read_text())
    changed = instructor("grade", str(subs), "--out", str(out))
    assert "Graded 1 submission " in changed.stdout
    assert rows(out)[1]["bob"]["status"] == "passed"
    forced = instructor("grade", str(subs), "--out", str(out), "--force")
    assert "Graded 2 submissions" in forced.stdout


def test_missing_submission_is_a_usage_error(tmp_path: Path) -> None:
    done = instructor("grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith("grader: error: ") and "does not exist" in done.stderr


# ---- staging, without subprocesses ----------------------------------------------------------


def make_zip(path: Path, entries: dict[str, str], links: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16
            zf.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize(
    ("entries", "links", "message"),
    [
        ({"/abs/momentum.py": "x"}, (), "absolute path"),
        ({"a/../../momentum.py": "x"}, (), "outside the folder"),
        ({"..\\momentum.py": "x"}, (), "outside the folder"),
        ({"momentum.py": "x"}, ("nesterov.py",), "symbolic link"),
        ({f"f{i}.py": "" for i in range(201)}, (), "entries"),
    ],
)
def test_unsafe_zips_are_refused(tmp_path: Path, entries, links, message) -> None:
    archive = make_zip(tmp_path / "s.zip", entries, links)
    with pytest.raises(SubmissionError, match=message):
        extract_zip(archive, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "s.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(SubmissionError, match="not a valid zip"):
        extract_zip(bad, tmp_path / "x")


def test_zip_bomb_is_refused_by_declared_size(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("momentum.py", "#" * (21 * 1024 * 1024))
    assert archive.stat().st_size < 100_000
    with pytest.raises(SubmissionError, match="MiB uncompressed"):
        extract_zip(archive, tmp_path / "x")


def test_discover_expands_one_level_and_names_students(tmp_path: Path) -> None:
    course = load_course(REPO)
    subs = tmp_path / "class"
    solved(subs / "ann")
    (subs / "ben.py").write_text("x = 1\n")
    (subs / ".hidden").mkdir()
    found = discover([subs, subs / "ann"], course)
    assert [(s.student, s.source.name) for s in found] == [
        ("ann", "ann"), ("ben", "ben.py"), ("ann", "ann"),
    ]  # fmt: skip


def test_single_file_is_staged_as_momentum(tmp_path: Path) -> None:
    course = load_course(REPO)
    source = tmp_path / "zoe.py"
    source.write_text((SOLUTIONS / "momentum.py").read_text())
    staged = stage(Submission("zoe", source), course, tmp_path / "stage")
    assert sorted(p.name for p in staged.exercises_dir.iterdir()) == ["momentum.py"]
    assert staged.problems == ["missing nesterov.py, tuning.py"]


def test_an_installation_error_is_one_sentence(capsys) -> None:
    from grader.instructor.commands import _guarded
    from grader.judge.runner import GraderError

    def work() -> None:
        raise GraderError("the hidden checks could not run (pytest exit code 4)")

    assert _guarded(work) == 2
    err = capsys.readouterr().err
    assert "(pytest exit code 4). The grader could not run: check the installation" in err
    assert ".." not in err  # the error's own full stop and ours made two
