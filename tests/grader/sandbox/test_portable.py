"""The commands a student and an instructor run, with the POSIX layer switched off
(MOMENTUM_LAB_PORTABLE=1): the code paths a Windows or macOS machine takes, on Linux CI.

The hostile cases run both ways in tests/grader/test_grader_hostile.py; these are the ordinary
runs of `grader check`, `grader plot`, `grader grade` and `grader selfcheck`."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox import platform
from helpers import REPO, SOLUTIONS, append, make_course, run_grader

pytestmark = pytest.mark.slow

PORTABLE = {platform.PORTABLE_ENV: "1", platform.MEMORY_ENV: "300"}
STEP = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n"


def test_check_passes_the_solutions(tmp_path):
    proc = run_grader("check", cwd=make_course(tmp_path), env=PORTABLE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in ("momentum_step  4/4", "optimize  4/4", "nesterov_step  3/3"):
        assert line in proc.stdout


def test_check_says_not_attempted_for_the_stubs(tmp_path):
    proc = run_grader("check", cwd=make_course(tmp_path, solved=False), env=PORTABLE)
    assert proc.returncode == 1
    assert proc.stdout.count("not attempted") >= 4
    assert "Traceback" not in proc.stderr


def test_check_survives_a_crash_and_a_loop(tmp_path):
    files = {
        **append("momentum.py", STEP + "    import os\n    os._exit(7)\n"),
        "nesterov.py": (SOLUTIONS / "nesterov.py").read_text() + "\nwhile True:\n    pass\n",
    }
    proc = run_grader("check", "--timeout", "1", cwd=make_course(tmp_path, files=files),
                      env=PORTABLE)  # fmt: skip
    assert proc.returncode == 1
    assert "exited with code 7" in proc.stdout
    assert "importing exercises/nesterov.py did not finish within 1 s" in proc.stdout
    assert "steps_to_converge  3/3" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_plot_draws_the_students_optimizer(tmp_path):
    root = make_course(tmp_path)
    out = tmp_path / "plot.png"
    proc = run_grader("plot", "--out", str(out), cwd=root, env=PORTABLE)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_of_a_looping_optimizer_is_a_message(tmp_path):
    body = "def optimize(*args, **kwargs):\n    while True:\n        pass\n"
    root = make_course(tmp_path, files=append("momentum.py", body))
    proc = run_grader("plot", "--timeout", "1", "--out", str(tmp_path / "p.png"), cwd=root,
                      env=PORTABLE)  # fmt: skip
    assert proc.returncode != 0
    assert "did not finish within 1 s" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "p.png").exists()


def submission(folder: Path, files: dict[str, str]) -> None:
    shutil.copytree(SOLUTIONS, folder / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    for name, source in files.items():
        (folder / "exercises" / name).write_text(source, encoding="utf-8")


@pytest.mark.parametrize("isolation", ["none", "auto"])
def test_grade_a_small_class_without_the_fork_server(tmp_path, isolation):
    # auto: bubblewrap (CI installs it) around each fresh worker instead of the fork server.
    subs = tmp_path / "subs"
    submission(subs / "alice", {})
    submission(subs / "bob", append("momentum.py", STEP + "    while True:\n        pass\n"))
    # 32 MiB a turn: past the watchdog's limit within a fraction of the timeout, even on a
    # loaded machine (8 MiB a turn sometimes lost the race against a 1 s timeout).
    bomb = STEP + "    hog = []\n    while True:\n        hog.append(b'x' * (32 << 20))\n"
    submission(subs / "carol", append("momentum.py", bomb))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **PORTABLE}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", str(subs), "--out", str(out), "--seed", "5",
         "--timeout", "2", "--path", str(REPO), "--isolation", isolation],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert rows["alice"]["status"] == "passed" and rows["alice"]["total"] == "14"
    assert rows["bob"]["momentum_step"] == "0" and rows["bob"]["nesterov_step"] == "3"
    assert rows["carol"]["momentum_step"] == "0" and rows["carol"]["steps_to_converge"] == "3"
    assert "used more than 300 MiB" in (out / "feedback" / "carol.txt").read_text()
    assert "did not finish within 2 s" in (out / "feedback" / "bob.txt").read_text()


def test_selfcheck_without_the_fork_server():
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **PORTABLE}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "selfcheck", "--path", str(REPO), "--seed", "3"],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "consistent" in done.stdout
