"""Command line: the parser of `quiz` and the dispatch to quiz/commands/. Only cli code exits."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from labkit.console import Console, eof_key
from labkit.errors import LabError, report_error
from quiz import __version__
from quiz.commands.common import EXIT_INTERRUPTED, EXIT_OK, UsageError, plural
from quiz.commands.export import export
from quiz.commands.grade import grade
from quiz.commands.run import run
from quiz.commands.validate import list_questions, validate
from quiz.model import BankError
from quiz.options import add_exam_options, add_lms_parsers
from quiz.runner import Hangup

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
answers given so far are kept in the results file, also when the terminal is closed. Exit
status: 0, or 130 after Ctrl-C (129 when the terminal was closed).

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
LINT_HELP = (
    "also warn when answers can be guessed: the right choice is the longest in most single "
    "questions, true/false answers are all the same, or an id gives the answer away"
)


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(prog="quiz", description=DESCRIPTION, formatter_class=fmt)
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="{run,list,validate,export,grade}")
    take = sub.add_parser(
        "run",
        help="take the quiz (the default)",
        description=RUN_HELP.format(eof=eof_key()),
        formatter_class=fmt,
    )
    take.add_argument("banks", nargs="*", metavar="BANK_OR_DIR", help=BANKS_ARG_HELP)
    take.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="T",
        help="only questions with this tag (repeat for several)",
    )
    add_exam_options(take)
    take.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed for the question order, choice order and numbers",
    )
    take.add_argument(
        "--no-shuffle", action="store_true", help="keep the questions and choices in bank order"
    )
    take.add_argument("--results", type=Path, metavar="FILE", help=RESULTS_HELP)
    take.add_argument("--no-results", action="store_true", help=NO_RESULTS_HELP)
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


LMS_COMMANDS = {"export": export, "grade": grade}


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
            return validate(args, stdout)
        if args.command == "list":
            return list_questions(args, stdout, stderr)
        if args.command in LMS_COMMANDS:
            return LMS_COMMANDS[args.command](args, stdout, stderr)
        return run(args, stdin, stdout, stderr)
    except BankError as exc:
        count = plural(len(exc.problems), "problem")
        return report_error("quiz", UsageError(INVALID_BANK.format(count=count)), stderr)
    except LabError as exc:  # UsageError, BankPathError
        return report_error("quiz", exc, stderr)
    except Hangup:
        return EXIT_INTERRUPTED  # the terminal is gone: nobody to tell
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
