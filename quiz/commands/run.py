"""`quiz run` (and plain `quiz`): take the quiz in the terminal, saving after every answer."""

from __future__ import annotations

import argparse
import errno
import random
import re
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from labkit.console import eof_key
from quiz import render
from quiz.bank import display_path
from quiz.commands.common import EXIT_INTERRUPTED, EXIT_OK, UsageError, load, plural, require
from quiz.draw import Item, plan, select
from quiz.exam import ExamError, draw_exam, pass_mark, passed
from quiz.model import Bank
from quiz.options import counts
from quiz.results import ANONYMOUS, record, write_atomic
from quiz.runner import IN_PROGRESS, INTERRUPTED, Hangup, Runner, Session

# SIGHUP: the terminal window was closed; SIGTERM: a logout or `kill`; SIGBREAK: Windows.
STOP_SIGNALS = ("SIGHUP", "SIGTERM", "SIGBREAK")
ASK_STUDENT = "Your student id (Enter to stay anonymous): "
SAVE_FAILED = (
    "quiz: warning: cannot write {file} ({why}); your answers are kept and saved again after "
    "the next one. Close the file if another program has it open."
)


def run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    banks = load(args.banks, stderr)
    questions = select([q for b in banks for q in b.questions], args.tag)
    require(questions, args.tag)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    try:
        total, per_tag = counts(args.count)
        questions = draw_exam(banks, questions, seed, per_tag)
    except ExamError as exc:
        raise UsageError(str(exc)) from None
    items = plan(questions, seed, shuffle=not args.no_shuffle, count=total)
    with stop_on_hangup():
        try:
            return _take(args, banks, items, seed, per_tag, total, stdin, stdout, stderr)
        except Hangup as exc:
            return 128 + (exc.args[0] if exc.args else signal.SIGTERM)  # as a shell reports it
        except OSError as exc:
            if exc.errno != errno.EIO:
                raise
            # The terminal went away before its SIGHUP arrived; the answers were saved.
            return 128 + getattr(signal, "SIGHUP", 1)


def _take(
    args: argparse.Namespace,
    banks: list[Bank],
    items: list[Item],
    seed: int,
    per_tag: list[tuple[str, int]],
    total: int | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    """Ask for the student id, then run the session, saving after every answer."""
    student = _student(args.student, stdin, stdout)
    session = Session(items, seed, student=student, time_limit=args.time_limit)
    options = {
        "tags": args.tag,
        "count": total,
        "count_per_tag": dict(per_tag),
        "shuffle": not args.no_shuffle,
    }
    target = None
    if not args.no_results:
        stamp = session.started.strftime("%Y%m%d-%H%M%S")
        target = args.results or Path(f"quiz-results-{stamp}.json")

    failed: list[str] = []  # why the last save failed; emptied by one that works

    def save(current: Session) -> None:
        """Save after an answer; a failure (file open elsewhere, disk full) must not end the
        quiz: the answers stay in memory and the next save tries again."""
        if target is None:
            return
        try:
            write_atomic(target, record(current, banks, options))
        except OSError as exc:
            if not failed:
                try:
                    print(SAVE_FAILED.format(file=target, why=exc.strerror or exc), file=stderr)
                except OSError:
                    pass  # the terminal is gone too; the answers are what matters
            failed[:] = [str(exc.strerror or exc)]
        else:
            failed.clear()

    try:  # fail now, not after the last answer, if the file cannot be written
        if target is not None:
            write_atomic(target, record(session, banks, options))
    except OSError as exc:
        raise UsageError(
            f"cannot write the results file {target} ({exc.strerror}). "
            "Choose another place with --results FILE"
        ) from None
    titles = ", ".join(b.title for b in banks)
    color = getattr(stdout, "color", False)
    width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 1))
    style = render.Style(color, getattr(stdout, "text", None), width)
    stdout.write(render.intro_block(titles, len(session.items), seed, eof_key(), style) + "\n")
    runner = Runner(
        stdin, stdout, color=color, width=width, on_answer=save, read_line=_reader(stdin, stdout)
    )
    if args.time_limit is not None:
        stdout.write(f"Time limit: {args.time_limit:g} min; later answers are not counted.\n")
    try:
        session = runner.run(session)
    finally:
        # Ctrl-C, a closed terminal or a failed write between an answer and its save: the
        # session object holds every answer given, so write it whatever happened.
        if session.status == IN_PROGRESS:  # cut short by an error (a terminal gone, EIO)
            session.status = INTERRUPTED
        save(session)
        if target is not None and failed:
            target = _save_elsewhere(target, record(session, banks, options), failed[0])
    _exam_summary(session, banks, stdout)
    if target is not None:
        stdout.write(f"\nResults saved to {display_path(target.resolve())}\n")
    stdout.flush()
    return EXIT_INTERRUPTED if session.status == INTERRUPTED else EXIT_OK


def _save_elsewhere(target: Path, data: dict, why: str) -> Path:
    """The results under another name next to `target`, else in the home folder."""
    stamp = data["date"][:19].replace(":", "").replace("-", "")
    for folder in (target.parent, Path.home()):
        other = folder / f"{target.stem}-{stamp}-saved{target.suffix}"
        try:
            write_atomic(other, data)
        except OSError:
            continue
        return other
    raise UsageError(
        f"cannot write the results file {target} ({why}), nor a copy next to it or in your "
        "home folder. Free some space, then take the quiz again with --results FILE"
    )


@contextmanager
def stop_on_hangup() -> Iterator[None]:
    """Turn the stop signals into Hangup (a KeyboardInterrupt) so the answers get saved.

    The first signal raises; later ones are ignored, so a second one cannot cut the save short.
    Signal handlers can only be set from the main thread; elsewhere this does nothing.
    """
    previous: dict[int, object] = {}

    def handler(signum: int, frame: object) -> None:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        raise Hangup(signum)

    if threading.current_thread() is threading.main_thread():
        for name in STOP_SIGNALS:
            sig = getattr(signal, name, None)
            if sig is not None:
                previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)  # type: ignore[arg-type]


def _reader(stdin: TextIO, stdout: TextIO) -> Callable[[str], str] | None:
    """input() with line editing and history when both ends are a terminal, else None."""
    if not (stdin is sys.stdin and stdin.isatty() and stdout.isatty()):
        return None
    try:
        import readline  # noqa: F401  (input() edits lines with it once it is imported)
    except ImportError:
        pass  # Windows: the console itself edits the line and keeps a history
    text = getattr(stdout, "text", str)

    def read(prompt: str) -> str:
        try:
            return input(text(prompt)) + "\n"
        except EOFError:
            return ""

    return read


def _student(given: str | None, stdin: TextIO, stdout: TextIO) -> str:
    """The id from --student, else asked once on a terminal; piped runs stay anonymous."""
    if given is not None and _clean(given):
        return _clean(given)
    if not (stdin.isatty() and stdout.isatty()):
        return ANONYMOUS  # a piped line is an answer, not a name
    read = _reader(stdin, stdout)
    if read is None:
        stdout.write(ASK_STUDENT)
        stdout.flush()
    line = read(ASK_STUDENT) if read is not None else stdin.readline()
    return _clean(line) or ANONYMOUS


def _clean(text: str) -> str:
    """An id as typed, without the escape codes of arrow keys on a terminal with no line
    editing (they would land in the results file and the class's grades.csv)."""
    text = re.sub(r"\x1b(\[[0-9;]*[A-Za-z~]|O[A-Za-z]|.)?", "", text)
    return "".join(c for c in text if c.isprintable()).strip()[:100]


def _exam_summary(session: Session, banks: list[Bank], stdout: TextIO) -> None:
    if session.late:
        stdout.write(
            f"Time limit reached: {plural(len(session.late), 'late answer')} not counted.\n"
        )
    mark = pass_mark(banks)
    if mark is not None:
        got = sum(a.outcome.score for a in session.answers)
        total = sum(i.question.points for i in session.items)
        verdict = "passed" if passed(got, total, mark) else "not passed"
        stdout.write(f"Pass mark {mark:g}%: {verdict}.\n")
