"""The GitHub Classroom workflow: a whole number of points per test, or no release."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from grader.course import Course, Exercise, load_course
from grader.instructor.classroom import classroom_workflow, whole_points
from grader.instructor.submissions import InstructorError
from helpers import REPO, make_course, run_grader


def parse_int(text: str) -> int:
    """JavaScript's parseInt(text, 10), which GitHub Classroom applies to max-score."""
    match = re.match(r"\s*([+-]?\d+)", text)
    assert match, f"parseInt({text!r}) is NaN"
    return int(match.group(1))


def graders(text: str) -> list[dict]:
    steps = yaml.safe_load(text)["jobs"]["run-autograding-tests"]["steps"]
    return [s for s in steps if "autograding-command-grader" in s.get("uses", "")]


def course_with(points: list[float]) -> Course:
    names = load_course(REPO).exercises
    exercises = tuple(
        Exercise(ex.name, ex.file, p, ex.hints) for ex, p in zip(names, points, strict=True)
    )
    return Course(REPO, exercises)


def test_every_test_is_worth_what_classroom_reads() -> None:
    course = load_course(REPO)
    steps = graders(classroom_workflow(course))
    # Read as Classroom reads it: the YAML value as a string, through parseInt.
    read = [parse_int(str(s["with"]["max-score"])) for s in steps]
    assert read == [ex.points for ex in course.exercises]
    assert sum(read) == sum(ex.points for ex in course.exercises)


def test_whole_points_written_as_integers() -> None:
    text = classroom_workflow(course_with([4.0, 4.0, 3.0, 3.0]))
    assert re.findall(r"max-score: (\S+)", text) == ["4", "4", "3", "3"]


@pytest.mark.parametrize("points", [[2.5, 4, 3, 3], [4, 4, 3, 3.25]])
def test_fractional_points_are_refused(points: list[float]) -> None:
    course = course_with(points)
    with pytest.raises(InstructorError, match="whole points") as caught:
        classroom_workflow(course)
    odd = [f"{ex.name} ({ex.points:g})" for ex in course.exercises if ex.points % 1]
    assert odd and all(name in str(caught.value) for name in odd)
    with pytest.raises(InstructorError):
        whole_points(course)


@pytest.fixture
def half_points(tmp_path: Path) -> Path:
    course = make_course(tmp_path / "course", solved=False)
    packaged = (REPO / "grader" / "course.toml").read_text(encoding="utf-8")
    changed = packaged.replace("points = 4", "points = 4.5", 1)
    assert changed != packaged
    (course / "course.toml").write_text(changed, encoding="utf-8")
    return course


def test_release_refuses_fractional_points(half_points: Path, tmp_path: Path) -> None:
    out = tmp_path / "edition"
    done = run_grader("release", str(out), "--path", str(half_points), "--allow-modified-stubs",
                      cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "momentum_step (4.5)" in done.stderr and "whole points" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_gradescope_takes_fractional_points(half_points: Path, tmp_path: Path) -> None:
    out = tmp_path / "autograder.zip"
    done = run_grader("gradescope", str(out), "--path", str(half_points), "--seed", "3",
                      "--allow-modified-stubs", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.is_file()
