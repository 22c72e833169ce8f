"""Golden files: `grader check` on a fixed seed, as JSON and as the terminal report.

A change of wording, scoring or case building shows up here in review. After an intended
change, regenerate with `MOMENTUM_LAB_UPDATE_GOLDEN=1 pytest tests/grader/test_golden.py` and
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from helpers import append, make_course, run_grader

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "MOMENTUM_LAB_UPDATE_GOLDEN"
SEED = "7"

# One of each outcome: right, a listed mistake, a stub, a crash, and a mistake no list names.
FILES = {
    **append(
        "momentum.py",
        """
def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):
    theta = np.array(theta0, dtype=float)
    velocity = np.zeros_like(theta)
    rows = [theta]
    for _ in range(steps):
        grad = grad_fn(theta)
        if momentum:
            theta, velocity = momentum_step(theta, velocity, grad, lr, beta)
        else:
            theta = theta + lr * grad
        rows.append(theta)
    return np.stack(rows)
""",
    ),
    **append(
        "tuning.py",
        """
def steps_to_converge(grad_fn, theta0, lr=0.1, beta=0.9, tol=1e-6, max_steps=1000):
    raise ValueError("not today")
""",
    ),
}


def _normalise(text: str, course: Path) -> str:
    text = text.replace(str(course), "<course>")
    return re.sub(r'"execution_time": [0-9.e-]+', '"execution_time": 0', text)


def _compare(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with {UPDATE}=1 once"
    assert actual == path.read_text(encoding="utf-8"), f"{name} changed (see module docstring)"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_course(tmp_path_factory.mktemp("golden"), files=FILES)
    stub = root.parent / "stub.txt"  # nesterov_step stays a stub
    stub.write_text("", encoding="utf-8")
    nesterov = (root / "solutions" / "nesterov.py").read_text(encoding="utf-8")
    (root / "exercises" / "nesterov.py").write_text(
        nesterov.split("def nesterov_step")[0]
        + "def nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):\n"
        "    raise NotImplementedError\n",
        encoding="utf-8",
    )
    return root


def test_check_json(course):
    done = run_grader("check", "--seed", SEED, "--json", cwd=course)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    tests = data["tests"]
    assert round(sum(t["score"] for t in tests), 2) == data["score"]
    assert round(sum(t["max_score"] for t in tests), 2) == 14  # clean shares that add up
    assert all(t["status"] == "passed" for t in tests if t["tags"] == ["momentum_step"])
    assert not any(t["status"] == "passed" for t in tests if t["tags"] == ["steps_to_converge"])
    _compare("check.json", _normalise(done.stdout, course))


def test_check_report(course):
    done = run_grader("check", "--seed", SEED, cwd=course)
    assert done.returncode == 1, done.stderr
    _compare("check.txt", _normalise(done.stdout, course))
