"""Grade many staged submissions with one pytest session: the same hidden checks, run per student.

`grader check` pays for a pytest session (collection, set-up) per run. Here the checks' `judge`
fixture is parametrized over the students, with session scope, so pytest runs every check of
student 1, then every check of student 2, ... in one session, and each check sees only its
student's outcomes. Meanwhile a small pool of threads runs the students' code in the sandbox
(forked from a `Zygote`), a few students ahead of the checks.

The verdicts are the same as `grader check`'s: the same check files, the same plugin code
(`collector.Collector`), the same result assembly (`runner.assemble`).
"""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from grader.course import Exercise
from grader.judge import cases as case_builder
from grader.judge.cases import Case
from grader.judge.collector import Collector
from grader.judge.judging import Judge
from grader.judge.runner import CHECKS_DIR, _pytest_main, assemble
from grader.results import RunResult
from grader.sandbox.process import Launcher, run_calls
from grader.sandbox.protocol import Outcome

SANDBOX_SLOTS = 3  # students whose code runs at the same time, per judging process


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


class _ManyCollector(Collector):
    """The checks' collector with `judge` parametrized over students; records per student.

    checks/conftest.py's `judge` fixture asks the collector for `judge()`: here that is the
    judge of the student whose check is about to run."""

    def __init__(self, students: list[str], judge_for: Callable[[str], Judge]) -> None:
        super().__init__(None)
        self.students = students
        self._judge_for = judge_for
        self.by_student: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        self._current = ""

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "judge" in metafunc.fixturenames:
            ids = [f"s{i}" for i in range(len(self.students))]
            metafunc.parametrize("judge", self.students, indirect=True, scope="session", ids=ids)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: Any) -> None:
        # Before the item's fixtures are set up: whose judge a new `judge` value must be.
        self._current = item.callspec.params["judge"]

    def judge(self) -> Judge:
        return self._judge_for(self._current)

    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        before = len(self.records)
        super().pytest_runtest_makereport(item, call)
        if len(self.records) > before:
            self.by_student[item.callspec.params["judge"]].append(self.records.pop())


def judge_many(
    tasks: Sequence[Task],
    exercises: Sequence[Exercise],
    seed: int,
    reference: Any,
    timeout: float,
    launcher: Launcher | None = None,
) -> dict[str, RunResult]:
    """Every task's RunResult, as `run_checks` would give it for that student alone."""
    names = [ex.name for ex in exercises]
    cases = case_builder.build(exercises, seed)
    calls = [c.call() for c in cases]
    futures: dict[str, Future[dict[str, Outcome]]] = {}
    seconds: dict[str, float] = {}

    def sandbox(task: Task) -> dict[str, Outcome]:
        started = time.perf_counter()
        try:
            return run_calls(calls, task.exercises_dir, timeout, task.forbidden, launcher=launcher)
        finally:
            seconds[task.student] = time.perf_counter() - started

    with ThreadPoolExecutor(SANDBOX_SLOTS, thread_name_prefix="sandbox") as pool:
        for task in tasks:
            futures[task.student] = pool.submit(sandbox, task)
        plugin = _ManyCollector(
            [t.student for t in tasks],
            lambda student: Judge(cases, futures[student].result(), reference),
        )
        try:
            _pytest_main([CHECKS_DIR / f"check_{name}.py" for name in names], plugin)
        finally:
            for future in futures.values():
                future.cancel()
    return {
        t.student: assemble(exercises, plugin.by_student[t.student], seed, seconds[t.student])
        for t in tasks
    }
