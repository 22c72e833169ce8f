"""Result records of a grading run, and their Gradescope `results.json` form (pure data)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from grader.verdict import ERROR, FAILED, NOT_ATTEMPTED, PASSED, TIMEOUT, Status


def split_points(points: float, n: int) -> list[float]:
    """`points` over n checks in whole hundredths, the remainder on the last, so the shares
    print cleanly (0.67, never 0.6666666666666666) and add up to exactly `points`."""
    cents = round(points * 100)
    share = round(cents / n)
    return [share / 100] * (n - 1) + [(cents - share * (n - 1)) / 100]


def total(scores: Iterable[float]) -> float:
    """A sum of hundredths without float drift (0.67 * 3 + 0.66 -> 2.67, not 2.6700000000000004)."""
    return sum(round(s * 100) for s in scores) / 100


@dataclass(frozen=True)
class CheckResult:
    """One hidden check of one exercise."""

    exercise: str
    name: str
    status: Status
    message: str
    score: float
    max_score: float


@dataclass(frozen=True)
class ExerciseResult:
    name: str
    checks: tuple[CheckResult, ...]
    max_score: float

    @property
    def score(self) -> float:
        return total(c.score for c in self.checks)

    @property
    def status(self) -> Status:
        """passed when every check passed; otherwise the most telling status of its checks."""
        statuses = {c.status for c in self.checks}
        if statuses <= {PASSED}:
            return PASSED
        for status in (NOT_ATTEMPTED, TIMEOUT, ERROR):
            if status in statuses and PASSED not in statuses:
                return status
        return FAILED


@dataclass(frozen=True)
class RunResult:
    seed: int
    exercises: tuple[ExerciseResult, ...]
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return total(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return total(e.max_score for e in self.exercises)

    @property
    def passed(self) -> bool:
        return all(e.status == PASSED for e in self.exercises)


def gradescope(run: RunResult, visibility: str = "visible", output: str = "") -> dict[str, Any]:
    """The run as Gradescope's results.json: one test per check, our status kept in output."""
    tests = []
    for i, exercise in enumerate(run.exercises, 1):
        for j, check in enumerate(exercise.checks, 1):
            text = (
                check.message
                if check.status in (PASSED, FAILED)
                else (f"[{check.status}] {check.message}")
            )
            tests.append({
                "name": f"{exercise.name}: {check.name}",
                "number": f"{i}.{j}",
                "score": check.score,
                "max_score": check.max_score,
                "status": "passed" if check.status == PASSED else "failed",
                "output": text,
                "output_format": "text",
                "visibility": visibility,
                "tags": [exercise.name],
                "extra_data": {"status": check.status, "exercise": exercise.name},
            })  # fmt: skip
    return {
        "score": run.score,
        "execution_time": round(run.seconds, 3),
        "output": output or f"Score {run.score:g}/{run.max_score:g} (seed {run.seed}).",
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "extra_data": {"seed": run.seed, **run.extra},
        "tests": tests,
    }
