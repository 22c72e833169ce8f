"""Results to text for the terminal. Returns strings; the CLI prints them.

Check messages can hold text the student's code chose (what it printed, its exceptions'
messages): their control characters are shown escaped (`textsafe`), so they cannot move the
cursor, clear a line or recolour the report, only our own styling does.
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.results import ExerciseResult, RunResult
from grader.textsafe import escape_controls
from grader.verdict import ERROR, FAILED, NOT_ATTEMPTED, PASSED, TIMEOUT


@dataclass(frozen=True)
class Style:
    """How to decorate text: colours only on a terminal, ASCII where UTF-8 cannot be written."""

    color: bool = False
    unicode: bool = True

    def paint(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.color else text

    def mark(self, status: str) -> str:
        marks = {
            PASSED: ("✓", "+", "32"),
            FAILED: ("✗", "x", "31"),
            ERROR: ("✗ error", "x error", "31"),
            TIMEOUT: ("⏱ timeout", "! timeout", "33"),
            NOT_ATTEMPTED: ("· not attempted", "- not attempted", "2"),
        }
        fancy, plain, code = marks[status]
        return self.paint(fancy if self.unicode else plain, code)


def points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_run(run: RunResult, style: Style, where: str = "") -> str:
    head = f"momentum-lab grader · {escape_controls(where)}seed {run.seed}"
    lines = [style.paint(head, "1"), ""]
    for exercise in run.exercises:
        lines.extend(_exercise_lines(exercise, style))
        lines.append("")
    done = sum(e.status == PASSED for e in run.exercises)
    total = f"Total: {points(run.score)}/{points(run.max_score)} points · {done} of {len(run.exercises)} exercises pass"  # noqa: E501
    lines.append(style.paint(total, "1"))
    lines.append(_next_step(run))
    lines.append(f"Same cases again: grader check --seed {run.seed}")
    return "\n".join(lines)


def _exercise_lines(exercise: ExerciseResult, style: Style) -> list[str]:
    head = f"{exercise.name}  {points(exercise.score)}/{points(exercise.max_score)}"
    status = exercise.status
    if status == PASSED:
        head += "  " + style.mark(PASSED)
    lines = [style.paint(head, "1")]
    if status in (NOT_ATTEMPTED, TIMEOUT, ERROR) and len({c.message for c in exercise.checks}) == 1:
        # Every check says the same thing (a stub, an import error): say it once.
        lines.append(f"  {style.mark(status)}  ({len(exercise.checks)} checks)")
        lines.extend(_indent(escape_controls(exercise.checks[0].message), 6))
        return lines
    shown: set[str] = set()
    for check in exercise.checks:
        lines.append(f"  {style.mark(check.status)} {escape_controls(check.name)}")
        if check.status != PASSED:
            if check.message in shown:
                lines.append("      (same as above)")
            else:
                lines.extend(_indent(escape_controls(check.message), 6))
                shown.add(check.message)
    return lines


def _indent(text: str, n: int) -> list[str]:
    return [" " * n + line if line else "" for line in text.splitlines()]


def _next_step(run: RunResult) -> str:
    for exercise in run.exercises:
        if exercise.status != PASSED:
            return (
                f"Next: `{exercise.name}`. Stuck? `grader hint {exercise.name}` "
                "(ask again for the next hint)."
            )
    return "Every selected exercise passes. Well done!"


def render_list(rows: list[tuple[int, str, str, float, str]], style: Style) -> str:
    """rows: (number, exercise, file, points, status text)."""
    width = max(len(r[1]) for r in rows)
    fwidth = max(len(r[2]) for r in rows)
    lines = [f"  #  {'exercise'.ljust(width)}  {'file'.ljust(fwidth)}  points  status"]
    for number, name, file, pts, status in rows:
        lines.append(
            f"{number:>3}  {name.ljust(width)}  {file.ljust(fwidth)}  {points(pts):>6}  "
            + style.paint(status, "32" if status == PASSED else "0")
        )
    return "\n".join(lines)
