"""`grader release` takes pristine stubs: solved exercises in the course never reach students."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from grader.course import load_course
from grader.instructor import stubs
from grader.instructor.release import GITIGNORE, solution_lines
from helpers import EXERCISES, REPO, SOLUTIONS, run_grader

pytestmark = pytest.mark.slow  # seconds each: `pytest -m "not slow"` skips them

IGNORE = shutil.ignore_patterns("__pycache__")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True, timeout=60)  # fmt: skip


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A copy of the course: the stubs (with their record), the solutions, course.toml."""
    root = tmp_path / "course"
    shutil.copytree(EXERCISES, root / "exercises", ignore=IGNORE)
    shutil.copytree(SOLUTIONS, root / "solutions", ignore=IGNORE)
    shutil.copy(REPO / "grader" / "course.toml", root / "course.toml")
    return root


@pytest.fixture
def git_course(course: Path) -> Path:
    (course / "exercises" / stubs.RECORD).unlink()  # git alone is the source here
    git(course, "init", "-q")
    git(course, "add", "exercises", "solutions", "course.toml")
    git(course, "commit", "-q", "-m", "stubs")
    return course


def solve(course: Path, name: str = "momentum.py") -> None:
    shutil.copy(SOLUTIONS / name, course / "exercises" / name)


def release(course: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return run_grader("release", str(out), "--seeds", "1", *flags, cwd=course)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".partial")]


def test_solved_exercise_in_a_git_course_is_refused(git_course: Path, tmp_path: Path) -> None:
    solve(git_course)
    out = tmp_path / "student"
    done = release(git_course, out)
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("grader: error: exercises/ is not the pristine stubs")
    assert "exercises/momentum.py has changed; compared with git HEAD" in done.stderr
    assert "git checkout HEAD -- exercises/" in done.stderr
    assert "--allow-modified-stubs" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and leftovers(tmp_path) == []


def test_allowing_modified_stubs_still_never_ships_solution_code(
    git_course: Path, tmp_path: Path
) -> None:
    solve(git_course)
    out = tmp_path / "student"
    done = release(git_course, out, "--allow-modified-stubs")
    assert done.returncode == 2, done.stdout
    assert "would contain solution code, so nothing was written" in done.stderr
    assert "exercises/momentum.py:" in done.stderr
    assert "repeats solutions/momentum.py" in done.stderr
    # Nothing on disk to push by mistake, and no record of the solved file as a stub.
    assert not out.exists() and leftovers(tmp_path) == []
    assert not (git_course / "exercises" / stubs.RECORD).exists()


def test_a_clean_git_course_is_released_with_a_gitignore(git_course: Path, tmp_path: Path) -> None:
    out = tmp_path / "student"
    done = release(git_course, out)
    assert done.returncode == 0, done.stderr
    assert "stubs as in git HEAD" in done.stdout
    for name in ("momentum.py", "nesterov.py", "tuning.py"):
        assert (out / "exercises" / name).read_bytes() == (EXERCISES / name).read_bytes()
    assert not (out / "exercises" / stubs.RECORD).exists()
    assert (out / ".gitignore").read_text() == GITIGNORE


def test_the_gitignore_keeps_what_a_working_copy_makes(git_course: Path, tmp_path: Path) -> None:
    from grader.plot.command import OUT

    out = tmp_path / "student"
    assert release(git_course, out).returncode == 0
    made = [".venv/bin/python", "venv/lib/x.py", "__pycache__/a.cpython-311.pyc",
            "exercises/__pycache__/momentum.cpython-311.pyc", ".grader/state.json",
            "quiz-results-2026-11-25-1200.json", "x.egg-info/PKG-INFO", "build/lib/a.py",
            ".pytest_cache/v", *OUT.values()]  # fmt: skip
    for name in made:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("x")
    git(out, "init", "-q")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=out,
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert status  # the edition itself is there to commit
    for name in made:
        assert name not in status, name
    assert "exercises/momentum.py" in status


def test_the_recorded_hashes_are_the_source_without_git(course: Path, tmp_path: Path) -> None:
    solve(course, "tuning.py")
    refused = release(course, tmp_path / "a")
    assert refused.returncode == 2
    assert "exercises/tuning.py has changed; compared with exercises/.stubs.json" in (
        refused.stderr
    )
    shutil.copy(EXERCISES / "tuning.py", course / "exercises" / "tuning.py")
    done = release(course, tmp_path / "b")
    assert done.returncode == 0, done.stderr
    assert "stubs as in exercises/.stubs.json" in done.stdout


def test_no_source_is_refused_until_the_instructor_vouches(course: Path, tmp_path: Path) -> None:
    (course / "exercises" / stubs.RECORD).unlink()
    refused = release(course, tmp_path / "a")
    assert refused.returncode == 2
    assert "cannot tell whether exercises/ holds the pristine stubs" in refused.stderr
    vouched = release(course, tmp_path / "b", "--allow-modified-stubs")
    assert vouched.returncode == 0, vouched.stderr
    assert "Recorded these stubs in" in vouched.stdout
    record = json.loads((course / "exercises" / stubs.RECORD).read_text())
    assert sorted(record["files"]) == ["momentum.py", "nesterov.py", "tuning.py"]
    again = release(course, tmp_path / "c")
    assert again.returncode == 0, again.stderr
    assert "stubs as in exercises/.stubs.json" in again.stdout


def test_a_new_stub_is_checked_by_the_leak_check(course: Path, tmp_path: Path) -> None:
    extra = course / "exercises" / "extra.py"
    extra.write_text('def extra():\n    """A new exercise."""\n    raise NotImplementedError\n')
    done = release(course, tmp_path / "a")
    assert done.returncode == 0, done.stderr
    assert "New stubs, not in exercises/.stubs.json, checked for solution code only: " in (
        done.stdout
    )
    assert "exercises/extra.py" in done.stdout
    # A new file holding solution code is refused all the same.
    extra.write_text((SOLUTIONS / "nesterov.py").read_text())
    leaked = release(course, tmp_path / "b")
    assert leaked.returncode == 2 and "exercises/extra.py:" in leaked.stderr


def test_solution_lines_come_from_solutions_not_from_exercises(course: Path) -> None:
    """With the stubs solved, the leak check still knows what solution code looks like."""
    before = solution_lines(load_course(course))
    for file in SOLUTIONS.glob("*.py"):
        solve(course, file.name)
    after = solution_lines(load_course(course))
    assert len(before) > 10 and after == before
    # Docstrings are prose the stubs share, never counted as code.
    assert not any(line.startswith(("Args:", "Returns:")) for line in after)


def test_the_repository_record_matches_its_stubs() -> None:
    course = load_course(REPO)
    source = stubs.find_source(course)
    recorded = json.loads((EXERCISES / stubs.RECORD).read_text())["files"]
    current = {name: stubs._hash(text) for name, text in stubs.stub_files(course).items()}
    assert recorded == current, (
        "exercises/.stubs.json is out of date: after checking the stubs, run "
        "`grader release --allow-modified-stubs /tmp/edition` to record them"
    )
    assert source.kind in ("git HEAD", "exercises/.stubs.json")
