"""`grader gradescope`: the bundle's run_autograder, run locally on an /autograder-style tree.

Here with the interpreter running the tests; test_gradescope_setup.py builds the bundle's own
venv with setup.sh on Python 3.10, as Gradescope's default image does, and grades with it.
"""

from __future__ import annotations

import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from gradescope_layout import (
    build_bundle,
    points,
    run_autograder,
    solutions,
    submit,
    unpack,
    zipped,
)

from grader.course import load_course
from helpers import REPO

FUNCTIONS = {"momentum.py": ["momentum_step", "optimize"], "nesterov.py": ["nesterov_step"],
             "tuning.py": ["steps_to_converge"]}  # fmt: skip


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("gs") / "autograder.zip")


@pytest.fixture(scope="module")
def source(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return unpack(bundle, tmp_path_factory.mktemp("autograder") / "source")


def autograde(source: Path, tmp_path: Path, files: dict, **env: str) -> tuple[dict, str]:
    submission = submit(tmp_path / "submission", files)
    env = {"AUTOGRADER_PYTHON": sys.executable, **env}
    return run_autograder(source, submission, tmp_path / "results", env)


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


def test_a_correct_submission(source: Path, tmp_path: Path) -> None:
    data, _ = autograde(source, tmp_path, solutions())
    assert data["score"] == points() and data["extra_data"]["seed"] == 42
    assert {t["visibility"] for t in data["tests"]} == {"after_due_date"}
    assert {t["status"] for t in data["tests"]} == {"passed"}


def test_a_repository_with_an_exercises_folder(source: Path, tmp_path: Path) -> None:
    files = {**solutions("exercises/"), "README.md": "# my work\n"}
    data, _ = autograde(source, tmp_path, files)
    assert data["score"] == points()


def test_a_broken_submission_still_gets_results(source: Path, tmp_path: Path) -> None:
    data, _ = autograde(source, tmp_path, {"momentum.py": "def momentum_step(:\n"})
    assert data["score"] == 0.0
    assert "SyntaxError" in data["output"]


def test_an_empty_submission(source: Path, tmp_path: Path) -> None:
    data, _ = autograde(source, tmp_path, {})
    assert data["score"] == 0.0 and data["tests"] == []
    assert "empty" in data["output"]


@pytest.mark.parametrize("name", ["momentum (1).py", "Momentum-2.py", "hw3.py"])
def test_a_single_file_under_another_name(source: Path, tmp_path: Path, name: str) -> None:
    # Matched by the functions it defines: momentum.py's two exercises pass, the rest are
    # missing.
    text = (REPO / "solutions" / "momentum.py").read_text(encoding="utf-8")
    data, _ = autograde(source, tmp_path, {name: text})
    assert data["score"] == points("momentum.py") > 0
    assert f"Graded `{name}` as momentum.py (it defines momentum_step, optimize)" in data["output"]
    passed = {t["extra_data"]["exercise"] for t in data["tests"] if t["status"] == "passed"}
    assert passed == {"momentum_step", "optimize"}


def test_one_file_with_every_function(source: Path, tmp_path: Path) -> None:
    text = "\n\n".join(solutions().values())
    data, _ = autograde(source, tmp_path, {"all of it.py": text})
    assert data["score"] == points()


def test_a_misnamed_file_that_does_not_parse_is_matched_by_name(source, tmp_path) -> None:
    files = {**solutions(), "momentum (1).py": "def momentum_step(:\n"}
    del files["momentum.py"]
    data, _ = autograde(source, tmp_path, files)
    assert "Graded `momentum (1).py` as momentum.py (by its name)" in data["output"]
    assert "SyntaxError" in data["output"]
    assert data["score"] == points("nesterov.py", "tuning.py")


def test_an_unmatched_file_that_does_not_parse_is_named(source: Path, tmp_path: Path) -> None:
    data, _ = autograde(source, tmp_path, {"hw3.py": "def f(:\n"})
    assert "`hw3.py` could not be matched to an exercise file" in data["output"]
    assert data["score"] == 0.0


@pytest.mark.parametrize(
    "inside", [solutions(), solutions("alice/exercises/"), {"alice/momentum (2).py":
               (REPO / "solutions" / "momentum.py").read_text(encoding="utf-8")}],
    ids=["flat", "wrapped", "misnamed"],
)  # fmt: skip
def test_a_zip_left_packed(source: Path, tmp_path: Path, inside: dict[str, str]) -> None:
    data, _ = autograde(source, tmp_path, {"submission (3).zip": zipped(inside)})
    files = {Path(name).name for name in inside}
    expected = points() if "momentum.py" in files else points("momentum.py")
    assert data["score"] == expected > 0


def test_an_unsafe_zip(source: Path, tmp_path: Path) -> None:
    data, _ = autograde(source, tmp_path, {"work.zip": zipped({"../evil.py": "x = 1\n"})})
    assert data["score"] == 0.0 and data["tests"] == []
    assert "could not be graded" in data["output"] and "outside" in data["output"]


def test_a_grader_that_fails_while_grading(source: Path, tmp_path: Path) -> None:
    broken = tmp_path / "source"
    shutil.copytree(source, broken)
    (broken / "grader" / "data" / "autograder.json").unlink()
    data, stderr = autograde(broken, tmp_path, solutions())
    assert data["score"] == 0 and data["tests"] == []
    assert "The autograder failed (FileNotFoundError" in data["output"]
    assert "not your grade" in data["output"] and "Traceback" in stderr


def test_a_grader_that_cannot_start(source: Path, tmp_path: Path) -> None:
    broken = tmp_path / "source"
    shutil.copytree(source, broken)
    (broken / "grader" / "results.py").write_text("raise ImportError('broken on purpose')\n")
    data, _ = autograde(broken, tmp_path, solutions())
    assert data["score"] == 0 and data["tests"] == []
    assert "failed before it could grade" in data["output"]
    assert "ImportError: broken on purpose" in data["output"]


def test_a_grader_that_hangs_is_stopped_in_time_to_say_so(source: Path, tmp_path: Path) -> None:
    # Every call loops until its 5 s timeout, far beyond a 1 s budget for the whole run.
    loop = "def {}(*args, **kwargs):\n    while True:\n        pass\n\n"
    loops = {name: "".join(map(loop.format, names)) for name, names in FUNCTIONS.items()}
    data, _ = autograde(source, tmp_path, loops, AUTOGRADER_TIME_LIMIT="1")
    assert data["score"] == 0 and data["tests"] == []
    assert "stopped after 1 s" in data["output"] and "not your grade" in data["output"]


def test_no_python_at_all(source: Path, tmp_path: Path) -> None:
    # Only the shell tools run_autograder uses are on PATH, and its interpreter is missing:
    # the fixed fallback message is still valid JSON with a zero.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("mkdir", "rm", "mktemp", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    data, _ = autograde(source, tmp_path, solutions(), PATH=str(bin_dir),
                        AUTOGRADER_PYTHON=str(tmp_path / "no-python"))  # fmt: skip
    assert data["score"] == 0 and "could not start Python" in data["output"]


def test_the_bundle_is_self_contained(bundle: Path, tmp_path: Path) -> None:
    # With the repo out of reach, the bundle grades from its recorded outputs alone.
    moved = tmp_path / "elsewhere" / "autograder.zip"
    moved.parent.mkdir()
    shutil.copy(bundle, moved)
    source = unpack(moved, tmp_path / "root" / "source")
    files = {p.name: p.read_text() for p in (REPO / "exercises").glob("*.py")}
    data, _ = autograde(source, tmp_path / "root", files)
    # Every check of every exercise is there, each "not attempted", however many there are.
    assert data["score"] == 0.0 and data["tests"]
    assert {t["extra_data"]["status"] for t in data["tests"]} == {"not attempted"}
    assert {t["extra_data"]["exercise"] for t in data["tests"]} == set(load_course(REPO).names)
