"""Run the hidden pytest checks in this process against outcomes from the sandbox.

The sandbox starts first, in a background thread, so the student's code runs while pytest is
imported here. Checks only see plain data from the sandbox; their verdicts are collected by a
small pytest plugin and returned as records. Nothing here prints.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.course import Course, Exercise
from grader.judge import cases as case_builder
from grader.judge.judging import Judge
from grader.results import CheckResult, ExerciseResult, RunResult, split_points
from grader.sandbox.process import DEFAULT_TIMEOUT, SandboxRun
from grader.verdict import PASSED
from labkit.errors import LabError

if TYPE_CHECKING:  # importing the collector imports pytest, which must wait (see run_checks)
    from grader.judge.collector import Record

CHECKS_DIR = Path(__file__).resolve().parents[1] / "checks"
AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
# pytest's own plugins that the hidden checks do not use. Each one loaded costs start-up time
# (together about 30 ms of a 300 ms run; see bench/bench_check.py); a name a pytest version
# lacks is simply ignored.
UNUSED_PLUGINS = (
    "cacheprovider", "terminal", "warnings", "doctest", "junitxml", "pastebin", "stepwise",
    "logging", "unraisableexception", "threadexception", "faulthandler", "recwarn", "setuponly",
    "setupplan", "tmpdir", "monkeypatch", "debugging", "legacypath", "python_path", "nose",
    "skipping",
)  # fmt: skip


class GraderError(LabError):
    """The checks themselves could not run (a broken installation, not the student's code)."""


def run_checks(
    course: Course,
    exercises: Sequence[Exercise],
    seed: int,
    reference: Any,
    timeout: float = DEFAULT_TIMEOUT,
) -> RunResult:
    """Grade `exercises` of the course's exercises/ folder against `reference` (solutions or a
    recorded reference; the CLI decides which, and which seeds it takes); never runs student
    code here."""
    started = time.perf_counter()
    cases = case_builder.build(exercises, seed)
    # -- isolation (issue 9): the reference solutions are loaded before any student code runs,
    # so a worker that reached the files on disk could not change what it is compared with. --
    load = getattr(reference, "_module", None)  # SolutionReference; a recorded one is loaded
    for module in sorted({c.module for c in cases}) if load else ():
        load(module)
    # -- end isolation --
    sandbox = SandboxRun(
        [c.call() for c in cases],
        course.exercises_dir,
        timeout=timeout,
        forbidden=course.off_limits,
    )
    # pytest is imported only now, while the sandbox already runs the student's code.
    from grader.judge.collector import Collector

    plugin = Collector(lambda: Judge(cases, sandbox.result(), reference))
    _pytest_main([CHECKS_DIR / f"check_{ex.name}.py" for ex in exercises], plugin)
    return assemble(exercises, plugin.records, seed, time.perf_counter() - started)


def assemble(
    exercises: Sequence[Exercise],
    records: Sequence[Record],
    seed: int,
    seconds: float,
) -> RunResult:
    """The run's result from the checks' records."""
    results = []
    for ex in exercises:
        found = [r for r in records if r.exercise == ex.name]
        if not found:
            raise GraderError(f"no hidden checks ran for {ex.name}")
        shares = split_points(ex.points, len(found))
        checks = tuple(
            CheckResult(ex.name, r.title, r.status, r.message, share * (r.status == PASSED), share)
            for r, share in zip(found, shares, strict=True)
        )  # fmt: skip
        results.append(ExerciseResult(ex.name, checks, ex.points))
    return RunResult(seed, tuple(results), seconds)


def _pytest_main(files: list[Path], plugin: Any, extra: Sequence[str] = ()) -> None:
    import pytest

    args = [
        *map(str, files), *extra,
        "-c", os.devnull, "--rootdir", str(CHECKS_DIR), "-o", "python_files=check_*.py",
        "-s", "--assert=plain",
    ]  # fmt: skip
    for name in UNUSED_PLUGINS:
        args += ["-p", f"no:{name}"]
    # Third-party pytest plugins have no business in the judge, and loading them is slow. The
    # switch is an environment variable; put it back afterwards for whoever called us.
    saved = os.environ.get(AUTOLOAD)
    os.environ[AUTOLOAD] = "1"
    try:
        code = pytest.main(args, plugins=[plugin])
    finally:
        if saved is None:
            del os.environ[AUTOLOAD]
        else:
            os.environ[AUTOLOAD] = saved
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt  # pytest caught the user's Ctrl-C (or SIGTERM); pass it on
    if plugin.internal:
        raise GraderError(plugin.internal)
    if code not in (0, 1):
        raise GraderError(f"the hidden checks could not run (pytest exit code {int(code)})")
