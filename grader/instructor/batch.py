"""`grader grade`: grade a class of submissions into grades.csv and one feedback file each.

Flow: discover the submissions, skip the ones already graded with the same checks, stage the
rest (copy or safely unzip, compile to spot syntax errors), then grade them in chunks over
`jobs` processes. Each process keeps one fork server (`zygote.Zygote`) for the sandbox and runs
one pytest session per chunk (`judge_many`). Each student's feedback is written atomically as
soon as its chunk is done, and grades.csv is rewritten after every chunk, so an interrupted run
keeps everything already graded. Nothing here prints: progress goes to a callback.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.course import Course
from grader.instructor.judge_many import FixedReference, Task, judge_many
from grader.instructor.submissions import (
    Submission,
    SubmissionError,
    digest,
    discover,
    stage,
)
from grader.judge.cases import build
from grader.judge.recorded import default_reference, reference_fingerprint
from grader.report import Style, render_run
from grader.results import ExerciseResult, RunResult, gradescope
from grader.verdict import NOT_ATTEMPTED, PASSED
from labkit.files import write_text

GRADER_DIR = Path(__file__).resolve().parents[1]
CHUNK = 12  # students per pytest session
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


@dataclass
class Row:
    student: str
    scores: dict[str, float]
    total: float
    max: float
    status: str
    skipped: bool = False


@dataclass
class Batch:
    """What a grade run did; rows in submission order."""

    seed: int
    checks: str
    rows: list[Row] = field(default_factory=list)
    graded: int = 0
    skipped: int = 0
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return all(r.status == PASSED for r in self.rows)


def checks_id(course: Course, timeout: float) -> str:
    """A fingerprint of everything that decides a grade except the submission and the seed."""
    h = hashlib.sha256()
    # The whole installed grader, not a hand-kept list: any change to how verdicts are made
    # (a check, a case builder, a diagnosis, the worker) must trigger a regrade.
    files = sorted(f for f in GRADER_DIR.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
    files += [f for f in (course.metadata,) if f.is_file()]
    for file in files:
        h.update(file.as_posix().encode() + b"\0" + file.read_bytes())
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
) -> Batch:
    """Grade every submission under `paths` into `out`; never stops for a broken submission."""
    started = time.perf_counter()
    out = out.resolve()
    feedback = out / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    batch = Batch(seed, checks_id(course, timeout))
    submissions = discover(list(paths), course, exclude=[out])
    order = [s.student for s in submissions]
    rows: dict[str, Row] = {}
    todo: list[tuple[Submission, str]] = []
    seen: dict[str, Path] = {}
    for i, sub in enumerate(submissions):
        if sub.student in seen:
            order[i] = key = f"{sub.student}~{i}"
            rows[key] = _error_row(
                course, key, f"error: another submission is also named {sub.student} "
                f"({seen[sub.student]} and {sub.source}); rename one"
            )  # fmt: skip
            continue
        seen[sub.student] = sub.source
        fingerprint = digest(sub.source)
        old = None if force else _previous(feedback / f"{sub.student}.json", batch, fingerprint)
        if old is not None:
            rows[sub.student] = old
            batch.skipped += 1
        else:
            todo.append((sub, fingerprint))
    total = len(todo)
    if progress:
        progress(0, total)
    staging = Path(tempfile.mkdtemp(prefix="grader-batch-"))
    try:
        tasks, meta = _stage_all(course, todo, staging, out, batch, rows, feedback, visibility)
        done = total - len(tasks)
        if progress:
            progress(done, total)
        _write_csv(out, batch, course, [rows[s] for s in order if s in rows])
        for results in _grade_tasks(course, tasks, seed, timeout, jobs):
            for student, run in results.items():
                run = RunResult(run.seed, _relative(run, meta[student][2]), run.seconds,
                                {"student": student, "checks": batch.checks,
                                 "submission": meta[student][0]})  # fmt: skip
                rows[student] = _row(course, student, run, meta[student][1])
                _write_feedback(feedback, student, run, rows[student], visibility)
                done += 1
            _write_csv(out, batch, course, [rows[s] for s in order if s in rows])
            if progress:
                progress(done, total)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    batch.rows = [rows[s] for s in order]
    batch.graded = total
    batch.seconds = time.perf_counter() - started
    _write_csv(out, batch, course, batch.rows)
    return batch


def _stage_all(course: Course, todo: list[tuple[Submission, str]], staging: Path, out: Path,
               batch: Batch, rows: dict[str, Row], feedback: Path, visibility: str,
               ) -> tuple[list[Task], dict[str, tuple[str, list[str], Path]]]:  # fmt: skip
    staged: list[tuple[str, Path, list[str]]] = []
    meta: dict[str, tuple[str, list[str], Path]] = {}
    for sub, fingerprint in todo:
        try:
            result = stage(sub, course, staging / sub.student)
        except SubmissionError as exc:
            row = _error_row(course, sub.student, f"error: {exc}")
            rows[sub.student] = row
            _write_error_feedback(feedback, sub.student, row, batch, fingerprint, visibility)
            continue
        staged.append((sub.student, result.exercises_dir, result.problems))
        meta[sub.student] = (fingerprint, result.problems, result.exercises_dir)
    # What student code may not read: the reference, the results, every other submission.
    common = [course.solutions_dir, out, Path("/proc"), *(s.source.resolve() for s, _ in todo)]
    tasks = []
    for student, folder, _ in staged:
        others = [f.parent for s, f, _ in staged if s != student]
        tasks.append(Task(student, folder, tuple(common + others)))
    return tasks, meta


def _grade_tasks(course: Course, tasks: list[Task], seed: int, timeout: float, jobs: int):
    """Yield {student: RunResult} chunk by chunk, in parallel over `jobs` processes."""
    if not tasks:
        return
    reference = FixedReference.compute(default_reference(course), build(course.exercises, seed))
    jobs = jobs or os.cpu_count() or 1
    chunk = max(1, min(CHUNK, -(-len(tasks) // (jobs * 2))))
    chunks = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
    args = (course, seed, reference, timeout)
    if jobs == 1 or len(chunks) == 1:
        _init(*args)
        for part in chunks:
            yield _grade_chunk(part)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(jobs, len(chunks)), context, _init, args) as pool:
        pending = {pool.submit(_grade_chunk, part) for part in chunks}
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        finally:
            for future in pending:
                future.cancel()


_STATE: dict[str, Any] = {}


def _init(course: Course, seed: int, reference: FixedReference, timeout: float) -> None:
    """Per judging process: one fork server, reused for every chunk."""
    from grader.sandbox.zygote import Zygote

    if "zygote" not in _STATE:
        _STATE["zygote"] = Zygote()
    _STATE.update(course=course, seed=seed, reference=reference, timeout=timeout)


def _grade_chunk(tasks: list[Task]) -> dict[str, RunResult]:
    s = _STATE
    return judge_many(tasks, s["course"].exercises, s["seed"], s["reference"], s["timeout"],
                      launcher=s["zygote"])  # fmt: skip


def close_workers() -> None:
    """Stop this process's fork server (for in-process grading with jobs=1)."""
    zygote = _STATE.pop("zygote", None)
    if zygote is not None:
        zygote.close()


# ---- rows and files ----------------------------------------------------------------------------


def _relative(run: RunResult, folder: Path) -> tuple[ExerciseResult, ...]:
    """Messages with the staging folder shown as `exercises/`, as the student knows it."""
    prefixes = [str(folder) + os.sep, str(folder.resolve()) + os.sep]

    def clean(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "exercises/")
        return text

    return tuple(
        replace(e, checks=tuple(replace(c, message=clean(c.message)) for c in e.checks))
        for e in run.exercises
    )


def _row(course: Course, student: str, run: RunResult, problems: list[str]) -> Row:
    scores = {e.name: e.score for e in run.exercises}
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


def _error_row(course: Course, student: str, status: str) -> Row:
    maximum = round(sum(ex.points for ex in course.exercises), 2)
    return Row(student, {name: 0.0 for name in course.names}, 0.0, maximum, status)


def _previous(path: Path, batch: Batch, fingerprint: str) -> Row | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        extra = data["extra_data"]
        if (extra.get("seed"), extra.get("checks"), extra.get("submission")) != (
            batch.seed, batch.checks, fingerprint,
        ):  # fmt: skip
            return None
        row = extra["row"]
        return Row(row["student"], row["scores"], row["total"], row["max"], row["status"], True)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _row_data(row: Row) -> dict[str, Any]:
    return {"student": row.student, "scores": row.scores, "total": row.total, "max": row.max,
            "status": row.status}  # fmt: skip


def _write_feedback(folder: Path, student: str, run: RunResult, row: Row, visibility: str) -> None:
    text = render_run(run, Style(color=False), where=f"{student} · ")
    if row.status.startswith("error: "):
        text = f"Problem with the submission: {row.status[7:]}\n\n{text}"
    data = gradescope(run, visibility, output=text)
    data["extra_data"]["row"] = _row_data(row)
    write_text(folder / f"{student}.txt", text + "\n")
    write_text(folder / f"{student}.json", json.dumps(data, indent=2) + "\n")


def _write_error_feedback(folder: Path, student: str, row: Row, batch: Batch, fingerprint: str,
                          visibility: str) -> None:  # fmt: skip
    text = f"Your submission could not be graded: {row.status[7:]}."
    data = {
        "score": 0.0, "execution_time": 0.0, "output": text, "output_format": "text",
        "visibility": visibility, "stdout_visibility": "hidden",
        "extra_data": {"seed": batch.seed, "checks": batch.checks, "submission": fingerprint,
                       "student": student, "row": _row_data(row)},
        "tests": [],
    }  # fmt: skip
    write_text(folder / f"{student}.txt", text + "\n")
    write_text(folder / f"{student}.json", json.dumps(data, indent=2) + "\n")


def _write_csv(out: Path, batch: Batch, course: Course, rows: list[Row]) -> None:
    buffer = io.StringIO()
    buffer.write(f"# seed={batch.seed} checks={batch.checks}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *course.names, "total", "max", "status"])
    for row in rows:
        scores = [f"{row.scores.get(n, 0.0):g}" for n in course.names]
        writer.writerow([row.student, *scores, f"{row.total:g}", f"{row.max:g}", row.status])
    write_text(out / "grades.csv", buffer.getvalue())


def previous_seed(out: Path) -> int | None:
    """The seed in out/grades.csv's header, so a re-run grades with the same cases."""
    try:
        with open(out / "grades.csv", encoding="utf-8") as handle:
            head = handle.readline()
    except OSError:
        return None
    for part in head.lstrip("# ").split():
        if part.startswith("seed="):
            try:
                return int(part[5:])
            except ValueError:
                return None
    return None
