"""`grader gradescope`: the bundle's run_autograder, run locally on an /autograder-style tree."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import REPO

STATUSES = {"passed", "failed"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gs") / "autograder.zip"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", str(out), "--seed",
         "42", "--visibility", "after_due_date"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def autograde(bundle: Path, root: Path, files: dict[str, str]) -> dict:
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)  # the bundle's own grader, not the repo's
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    validate(data)
    return data


def validate(data: dict) -> None:
    """The fields Gradescope reads, with their types and allowed values."""
    assert isinstance(data["score"], int | float)
    assert isinstance(data["output"], str)
    assert data.get("visibility", "visible") in VISIBILITIES
    for test in data["tests"]:
        assert isinstance(test["score"], int | float) and isinstance(test["max_score"], int | float)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in STATUSES and test["visibility"] in VISIBILITIES
        assert test["output_format"] in {"text", "html", "simple_format", "md", "ansi"}
        assert isinstance(test["name"], str) and test["name"]
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-9


def test_bundle_layout(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "grader/data/reference.npz"} <= names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert not [n for n in names if n.startswith(("solutions/", "known_wrong/", "tests/"))]


def test_run_autograder_installs_nothing(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as zf:
        script = zf.read("run_autograder").decode()
    commands = [line for line in script.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in commands if "pip " in line or "apt-get" in line]


def test_a_correct_submission(bundle: Path, tmp_path: Path) -> None:
    files = {p.name: p.read_text() for p in (REPO / "solutions").glob("*.py")}
    data = autograde(bundle, tmp_path, files)
    assert data["score"] == 14.0 and data["extra_data"]["seed"] == 42
    assert {t["visibility"] for t in data["tests"]} == {"after_due_date"}
    assert {t["status"] for t in data["tests"]} == {"passed"}


def test_a_broken_submission_still_gets_results(bundle: Path, tmp_path: Path) -> None:
    data = autograde(bundle, tmp_path, {"momentum.py": "def momentum_step(:\n"})
    assert data["score"] == 0.0
    assert "SyntaxError" in data["output"]


def test_an_empty_submission(bundle: Path, tmp_path: Path) -> None:
    data = autograde(bundle, tmp_path, {})
    assert data["score"] == 0.0 and data["tests"] == []
    assert "empty" in data["output"]


def test_the_bundle_is_self_contained(bundle: Path, tmp_path: Path) -> None:
    # With the repo out of reach, the bundle grades from its recorded outputs alone.
    moved = tmp_path / "elsewhere" / "autograder.zip"
    moved.parent.mkdir()
    shutil.copy(bundle, moved)
    files = {p.name: p.read_text() for p in (REPO / "exercises").glob("*.py")}
    data = autograde(moved, tmp_path / "root", files)
    assert data["score"] == 0.0 and len(data["tests"]) == 16
