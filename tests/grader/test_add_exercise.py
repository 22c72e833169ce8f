"""Adding an exercise is adding files: a course with a fifth exercise, RMSProp, works end to end.

The fixture (tests/grader/fixtures/rmsprop/) holds exactly what README's "Add an exercise" asks
for: a stub, a solution, an exercise module, a check file, two known-wrong files and a
course.toml entry. The course is a copy of this repository with those files added and nothing
else changed; each command runs as a user runs it, with the copy's grader on PYTHONPATH.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from helpers import REPO

FIXTURE = Path(__file__).parent / "fixtures" / "rmsprop"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".grader", "reference.npz")

pytestmark = pytest.mark.slow


def isolated(root: Path) -> tuple[list[str], dict[str, str]]:
    """An interpreter that imports the copy's packages, not the repo's: without `site` (whose
    editable-install hook would map `grader` back to this repo), with site-packages on the path
    for numpy and the rest."""
    path = os.pathsep.join([str(root), sysconfig.get_paths()["purelib"]])
    return [sys.executable, "-S"], {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1"}


def grader(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    python, env = isolated(root)
    return subprocess.run(
        [*python, "-m", "grader", *args], cwd=cwd or root, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("five") / "course"
    for name in ("grader", "labkit", "exercises", "solutions", "known_wrong", "quiz"):
        shutil.copytree(REPO / name, root / name, ignore=IGNORE)
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.toml"))
    entry = (FIXTURE / "course-entry.toml").read_text(encoding="utf-8")
    packaged = (REPO / "grader" / "course.toml").read_text(encoding="utf-8")
    (root / "course.toml").write_text(packaged + entry, encoding="utf-8")
    return root


def solved(course: Path, tmp_path: Path) -> Path:
    """A copy of the course whose exercises/ are the solutions."""
    root = tmp_path / "solved"
    shutil.copytree(course, root, ignore=IGNORE)
    shutil.rmtree(root / "exercises")
    shutil.copytree(root / "solutions", root / "exercises")
    return root


def test_the_copy_imports_its_own_grader(course):
    python, env = isolated(course)
    probe = subprocess.run(
        [*python, "-c", "import grader; print(grader.__file__)"], env=env, cwd=course.parent,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert probe.stdout.strip() == str(course / "grader" / "__init__.py")


def test_check_list_and_hint_know_the_fifth_exercise(course, tmp_path):
    stubs = grader(course, "check", "rmsprop_step")
    assert stubs.returncode == 1, stubs.stderr
    assert "rmsprop_step  0/2" in stubs.stdout and "not attempted" in stubs.stdout
    assert "exercises/rmsprop.py" in stubs.stdout

    done = grader(solved(course, tmp_path), "check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rmsprop_step  2/2" in done.stdout and "Total: 16/16 points" in done.stdout

    listing = grader(course, "list")
    assert listing.returncode == 0 and "rmsprop_step" in listing.stdout
    hint = grader(course, "hint", "rmsprop_step")
    assert hint.returncode == 0 and "new_sq = rho * sq" in hint.stdout


@pytest.mark.parametrize(
    ("wrong", "diagnosis"), [("no_sqrt", "square root"), ("rho_swapped", "weighs the old average")]
)
def test_a_known_wrong_step_gets_its_diagnosis(course, tmp_path, wrong, diagnosis):
    root = solved(course, tmp_path)
    target = root / "exercises" / "rmsprop.py"
    source = (course / "known_wrong" / "rmsprop_step" / f"{wrong}.py").read_text("utf-8")
    target.write_text(target.read_text("utf-8") + "\n\n" + source, encoding="utf-8")
    done = grader(root, "check", "rmsprop_step")
    assert done.returncode == 1
    assert diagnosis in done.stdout, done.stdout


def test_selfcheck_covers_the_fifth_exercise(course):
    done = grader(course, "selfcheck")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rmsprop_step" in done.stdout or "no_sqrt" in done.stdout, done.stdout


def test_grade_release_and_gradescope(course, tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(course / "solutions", subs / "ada" / "exercises")
    shutil.copytree(course / "exercises", subs / "bob" / "exercises")
    out = tmp_path / "grades"
    graded = grader(course, "grade", str(subs), "--out", str(out))
    assert graded.returncode == 0, graded.stdout + graded.stderr
    text = (out / "grades.csv").read_text(encoding="utf-8")
    rows = {r["student"]: r for r in csv.DictReader(line for line in text.splitlines()
                                                    if not line.startswith("#"))}  # fmt: skip
    feedback = (out / "feedback" / "ada.txt").read_text(encoding="utf-8")
    assert rows["ada"]["rmsprop_step"] == "2" and rows["ada"]["total"] == "16", feedback
    assert rows["bob"]["rmsprop_step"] == "0"

    edition = tmp_path / "edition"
    released = grader(course, "release", str(edition))
    assert released.returncode == 0, released.stdout + released.stderr
    assert (edition / "grader" / "exercises" / "rmsprop_step.py").is_file()
    assert not (edition / "solutions").exists()
    shutil.copy(course / "solutions" / "rmsprop.py", edition / "exercises" / "rmsprop.py")
    student = grader(edition, "check", "rmsprop_step")
    assert student.returncode == 0, student.stdout + student.stderr
    assert "rmsprop_step  2/2" in student.stdout

    bundle = tmp_path / "autograder.zip"
    zipped = grader(course, "gradescope", str(bundle))
    assert zipped.returncode == 0, zipped.stdout + zipped.stderr
    names = zipfile.ZipFile(bundle).namelist()
    assert "grader/exercises/rmsprop_step.py" in names and "course.toml" in names


def test_plot_still_works_in_the_bigger_course(course, tmp_path):
    done = grader(solved(course, tmp_path), "plot", "--out", str(tmp_path / "p.png"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "p.png").stat().st_size > 1000


def test_a_listed_exercise_without_a_module_is_one_clear_error(course, tmp_path):
    root = tmp_path / "broken"
    shutil.copytree(course, root, ignore=IGNORE)
    (root / "grader" / "exercises" / "rmsprop_step.py").unlink()
    for command in (["check"], ["list"], ["hint", "optimize"], ["selfcheck"]):
        done = grader(root, *command)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert "course.toml" in done.stderr and "rmsprop_step.py" in done.stderr
        assert "grader/exercises" in done.stderr


def test_grader_new_writes_a_working_exercise(course, tmp_path):
    root = tmp_path / "fresh"
    shutil.copytree(course, root, ignore=IGNORE)
    made = grader(root, "new", "scaled_step", "--file", "scaled.py", "--points", "3")
    assert made.returncode == 0, made.stdout + made.stderr
    for rel in (
        "exercises/scaled.py",
        "solutions/scaled.py",
        "grader/exercises/scaled_step.py",
        "grader/checks/check_scaled_step.py",
        "known_wrong/scaled_step/sign.py",
    ):
        assert (root / rel).is_file() and rel in made.stdout, rel
    assert 'name = "scaled_step"' in (root / "course.toml").read_text(encoding="utf-8")

    stub = grader(root, "check", "scaled_step")
    assert stub.returncode == 1 and "not attempted" in stub.stdout, stub.stdout + stub.stderr
    assert "scaled_step  0/3" in stub.stdout
    shutil.copy(root / "solutions" / "scaled.py", root / "exercises" / "scaled.py")
    done = grader(root, "check", "scaled_step")
    assert done.returncode == 0 and "scaled_step  3/3" in done.stdout, done.stdout

    again = grader(root, "new", "scaled_step", "--file", "scaled.py")
    assert again.returncode == 2 and "already" in again.stderr and "Traceback" not in again.stderr
    bad = grader(root, "new", "class", "--file", "x.py")
    assert bad.returncode == 2 and "not a function name" in bad.stderr


def test_a_broken_exercise_module_is_one_clear_error(course, tmp_path):
    root = tmp_path / "typo"
    shutil.copytree(course, root, ignore=IGNORE)
    module = root / "grader" / "exercises" / "rmsprop_step.py"
    module.write_text(module.read_text("utf-8").replace("PAIR,", "PAIRS,", 1), encoding="utf-8")
    assert "PAIRS," in module.read_text("utf-8")
    done = grader(root, "check", "rmsprop_step")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "rmsprop_step.py: cannot be imported: ImportError" in done.stderr
    assert grader(root, "list").returncode == 0  # listing needs no exercise module
