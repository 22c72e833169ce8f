"""Grade many staged submissions: the same hidden checks, run per student.

The checks are collected by pytest once per process. When every check is a plain function of
the `judge` fixture alone (no other fixture, no marks, no parametrization: all of ours, and
what `grader new` writes), each student's checks are called directly, in pytest's order, with
that student's judge: pytest's per-test machinery (set-up, reports, hooks) costs about as much
as the checks themselves, 25 times per student. Otherwise the `judge` fixture is parametrized
over the students, with session scope, and pytest runs every check of student 1, then of
student 2, ... in one session. Meanwhile a small pool of threads runs the students' code in the
sandbox (forked from a `Zygote`), a few students ahead of the checks.

The verdicts are the same as `grader check`'s: the same check files, the same verdict records
(`collector.verdict_record`), the same result assembly (`runner.assemble`).
"""

from __future__ import annotations

import inspect
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from grader.course import Exercise
from grader.instructor.tasks import Task
from grader.judge import cases as case_builder
from grader.judge.cases import Case
from grader.judge.collector import Collector, Record, title, verdict_record
from grader.judge.judging import Judge
from grader.judge.reference import NoReference
from grader.judge.runner import CHECKS_DIR, GraderError, _pytest_main, assemble
from grader.results import RunResult
from grader.sandbox.process import Launcher, run_calls
from grader.sandbox.protocol import Outcome

SANDBOX_SLOTS = 3  # students whose code runs at the same time, per judging process


class _ManyCollector(Collector):
    """The checks' collector with `judge` parametrized over students; records per student.

    checks/conftest.py's `judge` fixture asks the collector for `judge()`: here that is the
    judge of the student whose check is about to run."""

    def __init__(self, students: list[str], judge_for: Callable[[str], Judge]) -> None:
        super().__init__(None)
        self.students = students
        self._judge_for = judge_for
        self.by_student: dict[str, list[Record]] = defaultdict(list)
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


@dataclass(frozen=True)
class Check:
    """A hidden check that is a plain function of the judge."""

    exercise: str
    title: str
    function: Callable[[Judge], None]


JUDGE_CLOSURE = {"judge", "pytestconfig", "request"}  # the fixtures `judge` itself uses
_PLAIN: dict[tuple[Path, ...], list[Check] | None] = {}


def plain_checks(files: Sequence[Path]) -> list[Check] | None:
    """The checks in these files, in pytest's order, if every one is a plain function of
    `judge` alone; None if any needs pytest to run it. Collected once per process."""
    key = tuple(files)
    if key not in _PLAIN:
        items: list[Any] = []

        class Collecting(Collector):
            def pytest_collection_finish(self, session: Any) -> None:
                items.extend(session.items)

        _pytest_main(list(files), Collecting(None), ["--collect-only"])
        plain = all(
            type(item) is pytest.Function
            and getattr(item, "callspec", None) is None
            and list(inspect.signature(item.obj).parameters) == ["judge"]
            and set(item.fixturenames) <= JUDGE_CLOSURE  # no autouse fixture either
            and not any(True for _ in item.iter_markers())
            for item in items
        )  # fmt: skip
        checks = [Check(i.module.EX, title(i.obj, i.name), i.obj) for i in items]
        _PLAIN[key] = checks if plain and checks else None
    return _PLAIN[key]


def _run_plain(checks: Sequence[Check], judge: Callable[[], Judge]) -> list[Record]:
    """One student's records, as the collector would make them under pytest."""
    try:
        made: Judge | BaseException = judge()
    except Exception as exc:  # noqa: BLE001 - as a fixture error is under pytest: every check
        made = exc
    records = []
    for check in checks:
        exc: BaseException | None = made if isinstance(made, BaseException) else None
        if exc is None:
            try:
                check.function(made)  # type: ignore[arg-type]
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as raised:  # noqa: BLE001 - a check's bug is recorded as ours
                exc = raised
        if isinstance(exc, NoReference):
            raise GraderError(str(exc))  # no reference, no verdict at all
        records.append(verdict_record(check.exercise, check.title, exc))
    return records


def judge_many(
    tasks: Sequence[Task],
    exercises: Sequence[Exercise],
    seed: int,
    reference: Any,
    timeout: float,
    launcher: Launcher | None = None,
    cases: Sequence[Case] | None = None,
) -> dict[str, RunResult]:
    """Every task's RunResult, as `run_checks` would give it for that student alone.
    `cases`: the cases of (exercises, seed) if already built (a batch builds them once)."""
    names = [ex.name for ex in exercises]
    cases = list(cases) if cases is not None else case_builder.build(exercises, seed)
    calls = [c.call() for c in cases]
    futures: dict[str, Future[dict[str, Outcome]]] = {}
    seconds: dict[str, float] = {}

    def sandbox(task: Task) -> dict[str, Outcome]:
        started = time.perf_counter()
        try:
            return run_calls(calls, task.exercises_dir, timeout, task.forbidden, launcher=launcher)
        finally:
            seconds[task.student] = time.perf_counter() - started

    files = [CHECKS_DIR / f"check_{name}.py" for name in names]
    checks = plain_checks(files)
    records: dict[str, list[Record]] = {}
    with ThreadPoolExecutor(SANDBOX_SLOTS, thread_name_prefix="sandbox") as pool:
        for task in tasks:
            futures[task.student] = pool.submit(sandbox, task)

        def judge_of(student: str) -> Judge:
            return Judge(cases, futures[student].result(), reference)

        try:
            if checks is not None:
                for task in tasks:
                    records[task.student] = _run_plain(checks, partial(judge_of, task.student))
            else:
                plugin = _ManyCollector([t.student for t in tasks], judge_of)
                _pytest_main(files, plugin)
                records = {t.student: plugin.by_student[t.student] for t in tasks}
        finally:
            for future in futures.values():
                future.cancel()
    return {
        t.student: assemble(exercises, records[t.student], seed, seconds[t.student]) for t in tasks
    }
