"""Result records of a grading run, and their Gradescope `results.json` form (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.verdict import ERROR, NOT_ATTEMPTED, PASSED, TIMEOUT


@dataclass(frozen=True)
class CheckResult:
    """One hidden check of one exercise."""

    exercise: str
    name: str
    status: str
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
        return round(sum(c.score for c in self.checks), 2)

    @property
    def status(self) -> str:
        """passed when every check passed; otherwise the most telling status of its checks."""
        statuses = {c.status for c in self.checks}
        if statuses <= {PASSED}:
            return PASSED
        for status in (NOT_ATTEMPTED, TIMEOUT, ERROR):
            if status in statuses and PASSED not in statuses:
                return status
        return "failed"


@dataclass(frozen=True)
class RunResult:
    seed: int
    exercises: tuple[ExerciseResult, ...]
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(e.score for e in self.exercises), 2)

    @property
    def max_score(self) -> float:
        return round(sum(e.max_score for e in self.exercises), 2)

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
                if check.status in (PASSED, "failed")
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
