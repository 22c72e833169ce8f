"""The GitHub Classroom workflow of a student edition (`grader release`).

One `autograding-command-grader` step per exercise runs `grader check EXERCISE` (exit code 0 =
every check of it passed) and is worth the exercise's points; the reporter sends the total to
GitHub Classroom. Classroom reads `max-score` with `parseInt`, so 2.5 points would count as 2:
a course whose exercises are not worth whole points is refused rather than graded short.
"""

from __future__ import annotations

from pathlib import Path

from grader.course import Course
from grader.instructor.submissions import InstructorError

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "classroom.yml"
ACTION = "classroom-resources/autograding-command-grader@v1"
TIMEOUT_MINUTES = 5


def whole_points(course: Course) -> dict[str, int]:
    """Each exercise's points as a whole number; raises InstructorError naming the others."""
    fractional = [f"{ex.name} ({ex.points:g})" for ex in course.exercises if ex.points % 1]
    if fractional:
        raise InstructorError(
            "GitHub Classroom counts only whole points (it reads max-score with parseInt), and "
            f"these exercises have fractions: {', '.join(fractional)}. Give every exercise "
            f"whole points in {course.metadata}"
        )
    return {ex.name: int(ex.points) for ex in course.exercises}


def classroom_workflow(course: Course) -> str:
    """The workflow's text: one command-grader step per exercise, then the reporter."""
    points = whole_points(course)
    steps, env, runners = [], [], []
    for ex in course.exercises:
        step_id = ex.name.replace("_", "-")
        runners.append(step_id)
        steps.append(
            f"      - name: {ex.name}\n"
            f"        id: {step_id}\n"
            f"        uses: {ACTION}\n"
            f"        with:\n"
            f"          test-name: {ex.name}\n"
            f"          command: grader check {ex.name}\n"
            f"          timeout: {TIMEOUT_MINUTES}\n"
            f"          max-score: {points[ex.name]}"
        )
        result = "${{steps." + step_id + ".outputs.result}}"
        env.append(f'          {step_id.upper()}_RESULTS: "{result}"')
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("@@STEPS@@", "\n".join(steps))
        .replace("@@ENV@@", "\n".join(env))
        .replace("@@RUNNERS@@", ",".join(runners))
    )
