"""What a batch hands its judging processes: the staged submissions and the expected values.
Apart from judge_many so that `grader grade`'s main process never imports pytest."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.judge.cases import Case


@dataclass(frozen=True)
class Task:
    """One staged submission: where its exercises are and what its code may not read."""

    student: str
    exercises_dir: Path
    forbidden: tuple[Path, ...]


class FixedReference:
    """Expected values computed once (every student in a batch gets the same cases)."""

    def __init__(self, expected: dict[str, Any]) -> None:
        self._expected = expected

    @classmethod
    def compute(cls, reference: Any, cases: Sequence[Case]) -> FixedReference:
        return cls({case.id: reference.expected(case) for case in cases})

    def expected(self, case: Case) -> Any:
        return copy.deepcopy(self._expected[case.id])  # a check can never change the next one's
