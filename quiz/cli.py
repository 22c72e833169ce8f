"""Command line: `quiz`, `quiz run`, `quiz list`, `quiz validate`. The only module that exits."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from labkit.console import Console, eof_key
from labkit.errors import LabError, report_error
from quiz import __version__, render
from quiz.bank import bank_files, check_files, default_banks_dir, display_path
from quiz.checks import ident
from quiz.classgrade import ResultsFileError, grade_all
from quiz.draw import plan, select
from quiz.exam import ExamError, draw_exam, pass_mark, passed
from quiz.export import SUFFIXES, ExportError, export_banks
from quiz.itemstats import write_reports
from quiz.lint import lint_banks
from quiz.model import Bank, BankError
from quiz.options import add_exam_options, add_lms_parsers, counts
from quiz.results import ANONYMOUS, record, write_atomic
from quiz.runner import INTERRUPTED, Runner, Session

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
COMMANDS = ("run", "list", "validate", "export", "grade")

DESCRIPTION = """\
A multiple-choice quiz on gradient descent with momentum.

examples:
  quiz                          take the quiz on the default bank
  quiz run --tag nesterov       only questions tagged nesterov
  quiz run --count 5 --seed 7   five questions; the same seed gives the same quiz
  quiz list                     the questions: id, type, points, tags
  quiz validate                 check the banks in quiz/banks/ (for instructors)
  quiz export --format moodle   the banks for an LMS: moodle, gift or qti (Canvas)
  quiz grade results/ --out g   re-score a class's results files into g/grades.csv
"""
RUN_HELP = """\
Take the quiz. Answer with a letter (b, B or 2), several for "select all" questions (a,c or
a c), t/f for true-or-false, or a number (0.001, 1e-3, -0.2). {eof} or Ctrl-C stops; the
answers given so far are kept in the results file. Exit status: 0, or 130 after Ctrl-C.

Banks found in a folder are skipped, with a one-line notice, when they have problems, and left
out when they say `draft: true`; a bank file named on the command line is always used.
"""
VALIDATE_HELP = """\
Check question banks and report every problem as file:line:col: question <id>: what is wrong.
what to do. Exit status: 0 when every bank is valid, 1 when there are problems. Drafts are
checked too. --lint adds warnings about answers that can be guessed (they never change the
exit status).
"""
BANKS_ARG_HELP = (
    "bank files, folders of banks, or bank ids (default: quiz/banks/ of the course you are in, "
    "else the banks installed with the quiz)"
)
RESULTS_HELP = (
    "write the results (JSON) to FILE; default: quiz-results-<date>-<time>.json in the "
    "current folder"
)
NO_RESULTS_HELP = "do not write a results file"
INVALID_BANK = (
    "{count} in the question banks (listed above). Fix them, then check with `quiz validate`"
)
SKIPPED = "quiz: note: skipped the bank {file} ({count}); `quiz validate {file}` lists them."
NO_BANKS = "no bank to run ({skipped} skipped, {drafts} drafts left out)"
LINT_HELP = (
    "also warn when answers can be guessed: the right choice is the longest in most single "
    "questions, true/false answers are all the same, or an id gives the answer away"
)


class UsageError(LabError):
    """A problem with what the user typed or with the files named; exit status 2."""


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="quiz", description=DESCRIPTION, formatter_class=fmt)
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{run,list,validate,export,grade}")
    run = sub.add_parser(
        "run",
        help="take the quiz (the default)",
        description=RUN_HELP.format(eof=eof_key()),
        formatter_class=fmt,
    )
    run.add_argument("banks", nargs="*", metavar="BANK_OR_DIR", help=BANKS_ARG_HELP)
    run.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only questions with this tag (repeat for several)",
    )
    add_exam_options(run)
    run.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed for the question order, choice order and numbers",
    )
    run.add_argument(
        "--no-shuffle", action="store_true", help="keep the questions and choices in bank order"
    )
    run.add_argument("--results", type=Path, metavar="FILE", help=RESULTS_HELP)
    run.add_argument("--no-results", action="store_true", help=NO_RESULTS_HELP)
    lst = sub.add_parser("list", help="list the questions", description="List the questions.")
    lst.add_argument("banks", nargs="*", metavar="BANK_OR_DIR", help=BANKS_ARG_HELP)
    lst.add_argument(
        "--tag", action="append", default=[], metavar="T", help="only questions with this tag"
    )
    val = sub.add_parser(
        "validate",
        help="check question banks (for instructors)",
        description=VALIDATE_HELP,
        formatter_class=fmt,
    )
    val.add_argument(
        "banks", nargs="*", metavar="PATH", help="bank files or folders (default: quiz/banks/)"
    )
    val.add_argument("--lint", action="store_true", help=LINT_HELP)
    add_lms_parsers(sub, fmt, BANKS_ARG_HELP)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _sources(names: list[str]) -> tuple[list[Path], set[str]]:
    """Files to load, and the bank ids to keep (empty: all). Ids are looked up in quiz/banks/."""
    if not names:
        return bank_files([default_banks_dir()]), set()
    paths, ids = [], set()
    for name in names:
        if Path(name).exists() or not ident(name):
            paths.append(Path(name))
        else:
            ids.add(name)
    if ids:
        paths.append(default_banks_dir())
    return bank_files(paths), ids


def _load(names: list[str], stderr: TextIO) -> list[Bank]:
    files, ids = _sources(names)
    banks, problems = check_files(files)
    named = {display_path(Path(n)) for n in names if Path(n).is_file()}
    if any(p.file in named for p in problems):  # an instructor trying a bank: the full report
        for problem in problems:
            print(problem, file=stderr)
        raise BankError(problems)
    # Banks found in a folder: a broken one must not stop a student, and a draft is not ready.
    broken = Counter(p.file for p in problems)
    for file, count in sorted(broken.items()):
        print(SKIPPED.format(file=file, count=_plural(count, "problem")), file=stderr)
    drafts = [b for b in banks if b.draft and b.file not in named and b.id not in ids]
    banks = [b for b in banks if b.file not in broken and b not in drafts]
    if not banks:
        raise UsageError(
            NO_BANKS.format(skipped=len(broken), drafts=len(drafts)),
            hint="Run `quiz validate` to see the problems, or name a bank file",
        )
    if ids:
        missing = ids - {b.id for b in banks}
        if missing:
            known = ", ".join(sorted(b.id for b in banks)) or "none"
            raise UsageError(
                f"no bank or file named `{sorted(missing)[0]}` (banks: {known}). "
                "Name a bank id, a .yaml file or a folder"
            )
        banks = [b for b in banks if b.id in ids]
    return banks


def _validate(args: argparse.Namespace, stdout: TextIO) -> int:
    files = bank_files([Path(p) for p in args.banks] or [default_banks_dir()])
    banks, problems = check_files(files)
    for problem in problems:
        print(problem, file=stdout)
    if problems:
        bad_files = len({p.file for p in problems})
        print(
            f"Found {_plural(len(problems), 'problem')} in {_plural(bad_files, 'file')}.",
            file=stdout,
        )
        return EXIT_INVALID
    count = sum(len(b.questions) for b in banks)
    warnings = lint_banks(banks) if args.lint else []
    for warning in warnings:
        print(warning, file=stdout)
    drafts = sum(b.draft for b in banks)
    print(
        f"OK: {_plural(len(banks), 'bank')}{f' ({drafts} draft)' if drafts else ''}, "
        f"{_plural(count, 'question')}, no problems"
        + (f", {_plural(len(warnings), 'warning')}." if args.lint else "."),
        file=stdout,
    )
    return EXIT_OK


def _list(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    banks = _load(args.banks, stderr)
    questions = select([q for b in banks for q in b.questions], args.tag)
    _require(questions, args.tag)
    width = max(len(q.id) for q in questions) + 2
    print(f"{'id':<{width}}{'type':<12}{'points':<8}tags", file=stdout)
    for q in questions:
        print(f"{q.id:<{width}}{q.type:<12}{q.points:<8g}{', '.join(q.tags)}", file=stdout)
    where = ", ".join(f"{b.id} ({b.file})" for b in banks)
    print(f"\n{_plural(len(questions), 'question')} from {where}", file=stdout)
    return EXIT_OK


def _require(questions: list, tags: list[str]) -> None:
    if not questions:
        raise UsageError(
            f"no question has the tag{'s' if len(tags) > 1 else ''} "
            f"{', '.join(tags)}. Run `quiz list` to see the tags"
        )


def _run(args: argparse.Namespace, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    banks = _load(args.banks, stderr)
    questions = select([q for b in banks for q in b.questions], args.tag)
    _require(questions, args.tag)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1_000_000)
    try:
        total, per_tag = counts(args.count)
        questions = draw_exam(banks, questions, seed, per_tag)
    except ExamError as exc:
        raise UsageError(str(exc)) from None
    items = plan(questions, seed, shuffle=not args.no_shuffle, count=total)
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

    def save(current: Session) -> None:
        if target is not None:
            write_atomic(target, record(current, banks, options))

    try:
        save(session)  # fail now, not after the last answer, if the file cannot be written
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
    session = runner.run(session)
    save(session)
    _exam_summary(session, banks, stdout)
    if target is not None:
        stdout.write(f"\nResults saved to {display_path(target.resolve())}\n")
    stdout.flush()
    return EXIT_INTERRUPTED if session.status == INTERRUPTED else EXIT_OK


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
    if given is not None and given.strip():
        return given.strip()[:100]
    if not (stdin.isatty() and stdout.isatty()):
        return ANONYMOUS  # a piped line is an answer, not a name
    ask = "Your student id (Enter to stay anonymous): "
    read = _reader(stdin, stdout)
    if read is None:
        stdout.write(ask)
        stdout.flush()
    line = read(ask) if read is not None else stdin.readline()
    return line.strip()[:100] or ANONYMOUS


def _exam_summary(session: Session, banks: list[Bank], stdout: TextIO) -> None:
    if session.late:
        stdout.write(
            f"Time limit reached: {_plural(len(session.late), 'late answer')} not counted.\n"
        )
    mark = pass_mark(banks)
    if mark is not None:
        got = sum(a.outcome.score for a in session.answers)
        total = sum(i.question.points for i in session.items)
        verdict = "passed" if passed(got, total, mark) else "not passed"
        stdout.write(f"Pass mark {mark:g}%: {verdict}.\n")


def _export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    banks = _load(args.banks + args.bank, stderr)
    try:
        data = export_banks(banks, args.format, args.variants)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    out = args.out or Path("-".join(b.id for b in banks) + SUFFIXES[args.format])
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"cannot write {out} ({exc.strerror}). Choose another --out") from None
    count = sum(len(b.questions) for b in banks)
    stdout.write(
        f"Wrote {display_path(out.resolve())}: {_plural(count, 'question')} "
        f"from {', '.join(b.id for b in banks)} ({args.format}).\n"
    )
    return EXIT_OK


def _grade(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    files = bank_files([Path(p) for p in args.banks] or [default_banks_dir()])
    banks, problems = check_files(files)
    for file in sorted({p.file for p in problems}):
        print(f"quiz: warning: the bank {file} has problems; not used for grading.", file=stderr)
    try:
        attempts, skipped = grade_all([Path(r) for r in args.results], banks)
    except ResultsFileError as exc:
        raise UsageError(str(exc)) from None
    for message in skipped:
        print(f"quiz: warning: {message}; skipped.", file=stderr)
    flagged = [a for a in attempts if a.flags]
    for a in flagged:
        print(f"quiz: warning: {a.file}: {'; '.join(a.flags)}.", file=stderr)
    if not attempts:
        raise UsageError("no results file could be graded (see the warnings above)")
    paths = write_reports(args.out, attempts)
    stdout.write(
        f"Graded {_plural(len(attempts), 'file')}: {_plural(len(flagged), 'flagged')}"
        f", {len(skipped)} skipped. Wrote "
        + ", ".join(display_path(p.resolve()) for p in paths)
        + ".\n"
    )
    return EXIT_INVALID if flagged or skipped else EXIT_OK


LMS_COMMANDS = {"export": _export, "grade": _grade}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `quiz` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "run")  # plain `quiz` (with or without run options) takes the quiz
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a last resort; Console spells β as beta
    stdin, stdout, stderr = sys.stdin, Console(sys.stdout), Console(sys.stderr)
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args, stdout)
        if args.command == "list":
            return _list(args, stdout, stderr)
        if args.command in LMS_COMMANDS:
            return LMS_COMMANDS[args.command](args, stdout, stderr)
        return _run(args, stdin, stdout, stderr)
    except BankError as exc:
        count = _plural(len(exc.problems), "problem")
        return report_error("quiz", UsageError(INVALID_BANK.format(count=count)), stderr)
    except LabError as exc:  # UsageError, BankPathError
        return report_error("quiz", exc, stderr)
    except KeyboardInterrupt:
        print("\nquiz: stopped.", file=stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # e.g. `quiz list | head`: the reader left; nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
