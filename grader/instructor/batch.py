"""`grader grade`: grade a class of submissions into grades.csv and one feedback file each.

Flow: discover the submissions, skip the ones already graded with the same checks, stage the
rest (copy or safely unzip, compile to spot syntax errors), then grade them in chunks over
`jobs` processes, started before the staging so that they load meanwhile. Each process keeps
one fork server (`zygote.Zygote`) for the sandbox and judges a chunk at a time (`judge_many`).
Each student's feedback is written atomically as soon as its chunk is done, and grades.csv is
rewritten after every chunk, so an interrupted run keeps everything already graded (synced to
disk at the end: a file a power cut broke is only graded again). Nothing here prints: progress
goes to a callback.

Only verdicts are reused by a re-run. A row is a verdict unless the grader itself failed on it
(an internal error in a check, a sandbox that could not start a worker, a fork server that died
under it): such students are graded again at once on a fresh fork server, each alone so that
whatever broke the server cannot break it for the others, and if that fails too their row says
so and is never reused. Student output reaches the feedback with its control characters escaped.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.instructor.gradebook import (
    Row,
    Settings,
    error_row,
    previous_row,
    read_previous,
    write_error_feedback,
    write_feedback,
    write_gradebook,
)
from grader.instructor.staging_folder import staging_folder
from grader.instructor.submissions import (
    Submission,
    SubmissionError,
    digest,
    discover,
    stage,
)
from grader.instructor.tasks import FixedReference, Task
from grader.judge.cases import build
from grader.judge.recorded import default_reference, reference_fingerprint
from grader.results import ExerciseResult, RunResult
from grader.sandbox.isolation import INNER_EXERCISES, Isolation, choose
from grader.sandbox.process import SandboxError
from grader.textsafe import escape_controls
from grader.verdict import NOT_ATTEMPTED, PASSED

GRADER_DIR = Path(__file__).resolve().parents[1]
PROTECTED = (GRADER_DIR / "checks", GRADER_DIR / "data")  # -- isolation: not for workers' eyes --
CHUNK = 12  # students per pytest session
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
# How the judge's collector words a check that broke (not the student's code); see collector.py.
INTERNAL = "internal error in the grader"
NOT_GRADED = "error: not graded, the grader failed ({}); run `grader grade` again"


@dataclass
class Batch:
    """What a grade run did; rows in submission order; notes for the instructor."""

    seed: int
    checks: str
    rows: list[Row] = field(default_factory=list)
    graded: int = 0
    skipped: int = 0
    regraded: int = 0  # students graded a second time because the grader failed under them
    seconds: float = 0.0
    isolation: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.status == PASSED for r in self.rows)

    @property
    def settings(self) -> Settings:
        return Settings(self.seed, self.checks, self.isolation)


def previous_seed(out: Path) -> int | None:
    """The seed an earlier run in `out` used (grades.json, or an old grades.csv's first line)."""
    return read_previous(out).seed


def checks_id(course: Course, timeout: float) -> str:
    """A fingerprint of everything that decides a grade except the submission and the seed."""
    h = hashlib.sha256()
    # The whole installed grader, not a hand-kept list: any change to how verdicts are made
    # (a check, a case builder, a diagnosis, the worker) must trigger a regrade.
    # Named relative to the package, so moving the course folder does not force a regrade.
    files = sorted(f for f in GRADER_DIR.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
    named = [(f.relative_to(GRADER_DIR).as_posix(), f) for f in files]
    named += [("course.toml", f) for f in (course.metadata,) if f.is_file()]
    for name, file in named:
        h.update(name.encode() + b"\0" + file.read_bytes())
    h.update(reference_fingerprint(course).encode())
    h.update(f"timeout={timeout:g}".encode())
    return h.hexdigest()[:12]


def grade(
    course: Course,
    paths: Sequence[Path],
    out: Path,
    *,
    seed: int,
    jobs: int = 0,
    timeout: float = 5.0,
    force: bool = False,
    visibility: str = "visible",
    progress: Callable[[int, int], None] | None = None,
    isolation: Isolation | str = "auto",
) -> Batch:
    """Grade every submission under `paths` into `out`; never stops for a broken submission.
    `isolation`: a backend chosen by `isolation.choose`, or the mode to choose one with."""
    started = time.perf_counter()
    out = out.resolve()
    feedback = out / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    batch = Batch(seed, checks_id(course, timeout))
    # -- isolation --
    if isinstance(isolation, str):
        isolation = choose(isolation, [course.solutions_dir, out, *PROTECTED])
    batch.isolation = isolation.backend
    # -- end isolation --
    note = read_previous(out).note
    if note:
        batch.notes.append(note)
    submissions = discover(list(paths), course, exclude=[out])
    order = [s.student for s in submissions]
    rows: dict[str, Row] = {}
    todo: list[tuple[Submission, str]] = []
    seen: dict[str, Path] = {}  # by casefolded id: Bob.json and bob.json are one file on macOS
    for i, sub in enumerate(submissions):
        taken = seen.get(sub.student.casefold())
        if taken is not None and taken.name == sub.source.name:  # the same name given twice
            order[i] = key = f"{sub.student}~{i}"
            rows[key] = error_row(
                course, key, f"error: another submission is also named {sub.student} "
                f"({taken} and {sub.source}); rename one"
            )  # fmt: skip
            continue
        if taken is not None:
            # Different names that sanitise alike (josé and josè, Bob and bob): both are graded,
            # the later one under an id made unique by its real name, and the instructor is told.
            tag = hashlib.sha256(os.fsencode(sub.source.name)).hexdigest()[:8]
            sub = replace(sub, student=f"{sub.student}~{tag}")
            order[i] = sub.student
            submissions[i] = sub
            batch.notes.append(
                escape_controls(
                    f"{sub.source} is graded as {sub.student}: its name, made safe, "
                    f"is the same as {taken}'s"
                )
            )
        seen[sub.student.casefold()] = sub.source
        try:
            fingerprint = digest(sub.source)
        except OSError as exc:  # unreadable: that student's error row, graded again next time
            why = f"error: could not be read: {exc.strerror or exc}"
            rows[sub.student] = row = error_row(course, sub.student, why, final=False)
            write_error_feedback(feedback, row, batch.settings, "", visibility)
            continue
        path = feedback / f"{sub.student}.json"
        old = None if force else previous_row(path, batch.settings, fingerprint)
        if old is not None:
            rows[sub.student] = old
            batch.skipped += 1
        else:
            todo.append((sub, fingerprint))
    total = len(todo)
    if progress:
        progress(0, total)
    with staging_folder() as staging, _judges(course, len(todo), seed, timeout, jobs,
                                              isolation) as pool:  # fmt: skip
        everyone = [s.source for s in submissions]  # the skipped ones too: already graded
        tasks, meta = _stage_all(course, todo, staging, out, batch, rows, feedback,
                                 visibility, everyone)  # fmt: skip
        done = total - len(tasks)
        if progress:
            progress(done, total)
        write_gradebook(out, batch.settings, course, [rows[s] for s in order if s in rows],
                        False)  # fmt: skip
        for results, retried in _grade_tasks(pool, tasks, jobs):
            batch.regraded += retried
            for student, run in results.items():
                if isinstance(run, str):  # the judging process itself died on this chunk
                    rows[student] = row = error_row(
                        course, student, NOT_GRADED.format(run), final=False
                    )
                    write_error_feedback(feedback, row, batch.settings, meta[student][0],
                                         visibility)  # fmt: skip
                    done += 1
                    continue
                run = RunResult(run.seed, _relative(run, meta[student][2]), run.seconds,
                                {"student": student, "checks": batch.checks,
                                 "submission": meta[student][0],
                                 "isolation": batch.isolation})  # fmt: skip
                rows[student] = _row(course, student, run, meta[student][1])
                write_feedback(feedback, student, run, rows[student], visibility)
                done += 1
            graded = [rows[s] for s in order if s in rows]
            write_gradebook(out, batch.settings, course, graded, False)
            if progress:
                progress(done, total)
    batch.rows = [rows[s] for s in order]
    batch.graded = total
    batch.seconds = time.perf_counter() - started
    write_gradebook(out, batch.settings, course, batch.rows)
    return batch


def _stage_all(course: Course, todo: list[tuple[Submission, str]], staging: Path, out: Path,
               batch: Batch, rows: dict[str, Row], feedback: Path, visibility: str,
               everyone: Sequence[Path] = (),
               ) -> tuple[list[Task], dict[str, tuple[str, list[str], Path]]]:  # fmt: skip
    staged: list[tuple[str, Path, list[str]]] = []
    meta: dict[str, tuple[str, list[str], Path]] = {}
    for sub, fingerprint in todo:
        try:
            result = stage(sub, course, staging / sub.student)
        except SubmissionError as exc:
            row = error_row(course, sub.student, f"error: {exc}")
            rows[sub.student] = row
            write_error_feedback(feedback, row, batch.settings, fingerprint, visibility)
            continue
        staged.append((sub.student, result.exercises_dir, result.problems))
        meta[sub.student] = (fingerprint, result.problems, result.exercises_dir)
    # What student code may not read: the reference, the results, every other submission.
    # Every submission named, not only those graded now (a skipped one was graded earlier), and
    # the staging folders that killed runs left behind (they hold whole classes); without an
    # OS backend (--isolation none) only this list keeps them out of reach.
    sources = {*(s.source for s, _ in todo), *everyone}
    stale = [p for p in staging.parent.glob("grader-batch-*") if p != staging and p.is_dir()]
    common = [course.solutions_dir, out, Path("/proc"), *(p.resolve() for p in sources), *stale]
    tasks = []
    for student, folder, _ in staged:
        others = [f.parent for s, f, _ in staged if s != student]
        tasks.append(Task(student, folder, tuple(common + others)))
    return tasks, meta


def _chunk_size(count: int, jobs: int) -> int:
    return max(1, min(CHUNK, -(-count // (jobs * 2))))


@contextmanager
def _judges(course: Course, count: int, seed: int, timeout: float, jobs: int,
            isolation: Isolation | None) -> Iterator[ProcessPoolExecutor | None]:  # fmt: skip
    """The judging processes for `count` submissions, started now so that they load Python,
    numpy, pytest and their fork server while the submissions are staged; None when one
    process is enough (it is this one, then)."""
    if not count:
        yield None
        return
    reference = FixedReference.compute(default_reference(course), build(course.exercises, seed))
    args = (course, seed, reference, timeout, isolation)
    jobs = jobs or os.cpu_count() or 1
    processes = min(jobs, -(-count // _chunk_size(count, jobs)))
    if processes <= 1:
        _init(*args)
        yield None
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, context, _init, args) as pool:
        for _ in range(processes):  # each submit that finds no idle process starts one
            pool.submit(os.getpid)
        yield pool


def _grade_tasks(
    pool: ProcessPoolExecutor | None, tasks: list[Task], jobs: int
) -> Iterator[tuple[dict[str, RunResult | str], int]]:
    """Yield ({student: RunResult}, how many were regraded) chunk by chunk, over the judging
    processes of `pool` (or in this process). A chunk whose judging process died maps its
    students to the reason."""
    if not tasks:
        return
    chunk = _chunk_size(len(tasks), jobs or os.cpu_count() or 1)
    chunks = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
    if pool is None:
        for part in chunks:
            yield _grade_chunk(part)
        return
    pending = {pool.submit(_grade_chunk, part): part for part in chunks}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                part = pending.pop(future)
                try:
                    yield future.result()
                except (BrokenProcessPool, SandboxError) as exc:
                    why = f"{type(exc).__name__}: {exc}"
                    yield {task.student: why for task in part}, 0
    finally:
        for future in pending:
            future.cancel()


def judge_many(*args: Any, **kwargs: Any) -> dict[str, RunResult]:
    """`judge_many.judge_many`, imported when first needed: it imports pytest, which the main
    process of a batch with judging processes never needs (a tenth of a second at start)."""
    from grader.instructor.judge_many import judge_many as run

    return run(*args, **kwargs)


_STATE: dict[str, Any] = {}


def _init(course: Course, seed: int, reference: FixedReference, timeout: float,
          isolation: Isolation | None = None) -> None:  # fmt: skip
    """Per judging process: one fork server, reused for every chunk."""
    if multiprocessing.parent_process() is not None:  # -- isolation: a pool process --
        from grader.sandbox.lifecycle import clean_up_on_sigterm
        from grader.sandbox.zygote import die_with_parent

        clean_up_on_sigterm()  # its workers and their scratch folders, then itself
        die_with_parent(signal.SIGTERM)  # and so when `grader grade` is killed
    _STATE.update(course=course, seed=seed, reference=reference, timeout=timeout,
                  isolation=isolation, cases=build(course.exercises, seed))  # fmt: skip
    _launcher()


def _launcher() -> Any:
    """This process's fork server (fresh workers where none can run), started again if it has
    stopped."""
    from grader.sandbox.launchers import batch_launcher

    zygote = _STATE.get("zygote")
    wanted = _STATE.get("isolation") or Isolation()  # -- isolation: a server per backend --
    if zygote is not None and getattr(zygote, "isolation", wanted) != wanted:
        zygote.close()
        zygote = None
    if zygote is not None and not _alive(zygote):
        zygote.close()
        zygote = None
    if zygote is None:
        zygote = _STATE["zygote"] = batch_launcher(_STATE.get("isolation"))
    return zygote


def _alive(zygote: Any) -> bool:
    alive = getattr(zygote, "alive", None)
    if isinstance(alive, bool):
        return alive
    proc = getattr(zygote, "_proc", None)  # until the fork server says so itself
    return not getattr(zygote, "_dead", False) and (proc is None or proc.poll() is None)


def _grade_chunk(tasks: list[Task]) -> tuple[dict[str, RunResult], int]:
    """Grade a chunk; students the grader failed on are graded again, each alone, on a live
    fork server. Returns the results and how many students were graded again."""
    launcher = _launcher()
    results = _judge(tasks, launcher)
    # If the fork server died during the chunk, any error may be its doing, not the student's.
    died = not _alive(launcher)
    again = [t for t in tasks if _suspect(results[t.student], died)]
    for task in again:
        results[task.student] = _judge([task], _launcher())[task.student]
    return results, len(again)


def _judge(tasks: list[Task], launcher: Any) -> dict[str, RunResult]:
    s = _STATE
    return judge_many(tasks, s["course"].exercises, s["seed"], s["reference"], s["timeout"],
                      launcher=launcher, cases=s.get("cases"))  # fmt: skip


def internal_error(run: RunResult) -> str:
    """The first message saying the grader (not the student's code) failed, or ""."""
    for exercise in run.exercises:
        for check in exercise.checks:
            if check.message.startswith(INTERNAL):
                return check.message
    return ""


def _suspect(run: RunResult, server_died: bool) -> bool:
    if internal_error(run):
        return True
    return server_died and any(e.status != PASSED for e in run.exercises)


def close_workers() -> None:
    """Stop this process's fork server (for in-process grading with jobs=1)."""
    zygote = _STATE.pop("zygote", None)
    if zygote is not None:
        zygote.close()


# ---- rows and files ----------------------------------------------------------------------------


def _relative(run: RunResult, folder: Path) -> tuple[ExerciseResult, ...]:
    """Messages with the staging folder shown as `exercises/`, as the student knows it, and
    with control characters escaped: what the student's code printed is shown, never obeyed."""
    prefixes = [str(folder) + os.sep, str(folder.resolve()) + os.sep, INNER_EXERCISES + "/"]

    def clean(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "exercises/")
        return escape_controls(text)

    return tuple(
        replace(e, checks=tuple(replace(c, message=clean(c.message)) for c in e.checks))
        for e in run.exercises
    )


def _row(course: Course, student: str, run: RunResult, problems: list[str]) -> Row:
    scores = {e.name: e.score for e in run.exercises}
    internal = internal_error(run)
    if internal:
        detail = internal.removeprefix(INTERNAL).split(". Please report")[0].strip(" ()")
        return Row(student, scores, run.score, run.max_score, NOT_GRADED.format(detail),
                   final=False)  # fmt: skip
    if problems:
        status = "error: " + "; ".join(problems)
    elif run.passed:
        status = PASSED
    elif all(e.status == NOT_ATTEMPTED for e in run.exercises):
        status = NOT_ATTEMPTED
    else:
        bad = [f"{e.name} {e.status}" for e in run.exercises if e.status != PASSED]
        status = "failed: " + ", ".join(bad)
    return Row(student, scores, run.score, run.max_score, status)
