"""`grader selfcheck` on the course itself and on broken copies of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them


def selfcheck(path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "grader", "selfcheck", "--path", str(path),
         "--seed", "3"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("exercises", "solutions", "known_wrong"):
        shutil.copytree(REPO / name, root / name, ignore=ignore)
    shutil.copytree(REPO / "quiz" / "banks", root / "quiz" / "banks", ignore=ignore)
    return root


def test_the_course_is_consistent() -> None:
    done = selfcheck(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'ok    every stub in exercises/ is "not attempted"' in done.stdout
    assert "ok    every solution in solutions/ passes" in done.stdout
    assert "known_wrong/optimize/sign.py: failed, diagnosed" in done.stdout
    assert "FAIL" not in done.stdout


def test_a_stub_that_passes_and_a_solution_that_fails(copy: Path) -> None:
    shutil.copy(copy / "solutions" / "nesterov.py", copy / "exercises" / "nesterov.py")
    tuning = copy / "solutions" / "tuning.py"
    tuning.write_text(tuning.read_text().replace("return k", "return k + 0.5"))
    done = selfcheck(copy)
    assert done.returncode == 1
    assert 'FAIL  the stub of `nesterov_step` is passed, not "not attempted"' in done.stdout
    assert "FAIL  the solution of `steps_to_converge` does not pass (failed)" in done.stdout
    assert "problems in the course" in done.stdout


def test_a_known_wrong_that_passes(copy: Path) -> None:
    wrong = copy / "known_wrong" / "optimize" / "sign.py"
    solution = (REPO / "solutions" / "momentum.py").read_text()
    wrong.write_text(solution + '\nDIAGNOSIS = "sign"\n')
    done = selfcheck(copy)
    assert done.returncode == 1
    assert "FAIL  known_wrong/optimize/sign.py: expected `optimize` to be failed, got passed" in (
        done.stdout
    )


def test_a_broken_quiz_bank(copy: Path) -> None:
    (copy / "quiz" / "banks" / "broken.yaml").write_text("schema_version: 1\nquestions: 3\n")
    done = selfcheck(copy)
    assert done.returncode == 1
    assert "FAIL  quiz bank: " in done.stdout and "broken.yaml" in done.stdout


def test_a_student_edition_has_nothing_to_check(copy: Path) -> None:
    shutil.rmtree(copy / "solutions")
    done = selfcheck(copy)
    assert done.returncode == 2
    assert done.stderr.startswith("grader: error: selfcheck needs the full course")


def test_a_solution_that_raises(copy: Path) -> None:
    momentum = copy / "solutions" / "momentum.py"
    source = momentum.read_text()
    line = "    theta = np.asarray("
    momentum.write_text(source.replace(line, "    1 / 0\n" + line, 1))
    done = selfcheck(copy)
    assert done.returncode == 1
    expected = "FAIL  the solutions cannot compute the expected values: ZeroDivisionError"
    assert expected in done.stdout
