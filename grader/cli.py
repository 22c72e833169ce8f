"""The `grader` command: argument parsing, printing and exit codes (and nothing else).

Exit codes: 0 every selected check passed, 1 something did not pass, 2 usage or set-up error.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from grader import __version__, argtypes, state
from grader.course import Course, Exercise, load_course
from grader.report import Style, render_list, render_run
from grader.sandbox.lifecycle import DEFAULT_TIMEOUT, signals_end_workers
from labkit.console import Console, install_fallback
from labkit.errors import LabError, report_error

PROG = "grader"


class UsageError(LabError):
    """A command line that cannot be carried out; the message says what to do."""


def style_for(stream: TextIO) -> Style:
    """Colour by labkit's rules (NO_COLOR, FORCE_COLOR, a capable terminal), the same as
    `quiz`; ASCII marks where the stream cannot encode ✓ and ✗."""
    console = Console(stream)
    return Style(color=console.color, unicode=console.unicode)


# The instructor's and the plot's commands, named here so that `grader check` need not import
# their modules (the student's path stays small: tests/grader/test_layers.py).
LAZY_COMMANDS = ("plot", "grade", "release", "gradescope", "selfcheck", "new")


def build_parser(full: bool = True) -> argparse.ArgumentParser:
    """The whole parser, or (full=False) only the student's commands."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check your momentum-lab exercises against hidden tests.",
        epilog="Start with `grader check`; `grader hint EXERCISE` when stuck.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    course_opt = argtypes.course_option()

    check = sub.add_parser(
        "check", parents=[course_opt], help="run the hidden checks on your exercises",
        description="Run the hidden checks on your exercises and say what is wrong. "
        "Example: grader check optimize",
    )  # fmt: skip
    check.add_argument("exercises", nargs="*", metavar="EXERCISE", help="only these exercises")
    check.add_argument(
        "--seed", type=argtypes.seed, help="reproduce the random cases of an earlier run"
    )
    check.add_argument(
        "--timeout", type=argtypes.seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"time limit for each call of your code (default {DEFAULT_TIMEOUT:g})",
    )  # fmt: skip
    check.add_argument("--json", action="store_true", help="print Gradescope results.json")
    check.set_defaults(handler=cmd_check)

    lst = sub.add_parser(
        "list", parents=[course_opt], help="the exercises in order, with points and status",
        description="List the exercises in order with their points and last known status.",
    )  # fmt: skip
    lst.set_defaults(handler=cmd_list)

    hint = sub.add_parser(
        "hint", parents=[course_opt], help="the next hint for an exercise",
        description="Show the next hint for an exercise; ask again for the next one. "
        "Example: grader hint momentum_step",
    )  # fmt: skip
    hint.add_argument("exercise", metavar="EXERCISE")
    hint.add_argument("--all", action="store_true", help="show every hint at once")
    hint.set_defaults(handler=cmd_hint)

    if full:
        from grader.instructor.commands import add_parsers as add_instructor
        from grader.plot.command import add_parser as add_plot

        add_plot(sub)
        add_instructor(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Feedback is full of θ, β and ½: where the terminal cannot show them, spell them in ASCII
    # (theta, beta, 1/2) rather than print '?' or crash.
    install_fallback(sys.stdout, sys.stderr)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), None)
    # The whole parser only where its help is shown or its commands run (`--version` alone
    # needs neither).
    full = command in LAZY_COMMANDS or (command is None and "--version" not in argv)
    parser = build_parser(full=full)
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    # Ctrl-C, SIGTERM and SIGHUP end every worker at once; then whatever the interrupted code
    # raised (pytest turns it into its own exit code) is not reported: one line, 128 + signal.
    code = None
    with signals_end_workers() as caught:
        try:
            code = int(args.handler(args))
        except BrokenPipeError:
            # `grader list | head`: the reader left. Nothing more can be said; the rest of the
            # output goes nowhere (as the Python docs advise), and the status is the shell's
            # for a closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = 128 + 13
        except LabError as exc:
            code = None if caught else report_error(PROG, exc, sys.stderr)
        except Exception:
            if not caught:
                raise
    if caught:
        if code is None:  # a command that handled the interrupt has said so itself
            print(f"\n{PROG}: interrupted.", file=sys.stderr)
        return 128 + caught[0]
    return int(code)  # type: ignore[arg-type]


def entry() -> None:
    """The `grader` command and `python -m grader`: main(), then a quick exit."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # `grader check | head`: the reader left; nothing more to say
    # Unloading numpy and pytest at exit costs about 40 ms of a 300 ms `grader check`
    # (bench/bench_check.py). Every handler has written its files and reaped its child processes
    # by now (they clean up in `finally`), so skip the interpreter's teardown.
    os._exit(code)


def _error(message: str) -> int:
    return report_error(PROG, UsageError(message), sys.stderr)


def _select(course: Course, names: Sequence[str]) -> list[Exercise]:
    if not names:
        return list(course.exercises)
    chosen = []
    for name in names:
        try:
            chosen.append(course.exercise(name))
        except KeyError:
            close = difflib.get_close_matches(name, course.names, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise UsageError(
                f"no exercise called {name!r}.{hint} The exercises are: {', '.join(course.names)}"
            ) from None
    return chosen


def cmd_check(args: argparse.Namespace) -> int:
    from grader.judge.reference import NoReference
    from grader.judge.runner import GraderError, run_checks
    from grader.results import gradescope
    from grader.sandbox.process import SandboxError

    course = load_course(args.path)
    exercises = _select(course, args.exercises)
    try:
        reference, seed = _reference_and_seed(course, args.seed)
        run = run_checks(course, exercises, seed, reference, timeout=args.timeout)
    except NoReference as exc:
        return _error(str(exc))
    except (GraderError, SandboxError) as exc:
        return _error(f"{exc}. The course installation looks broken: reinstall it (see README)")
    _remember(course, run)
    if args.json:
        print(json.dumps(gradescope(run), indent=2))
    else:
        print(render_run(run, style_for(sys.stdout), where=f"{course.exercises_dir} · "))
    return 0 if run.passed else 1


def _reference_and_seed(course: Course, seed: int | None) -> tuple[object, int]:
    """The reference to grade against, and the seed: any seed with solutions/, else (a student
    edition) one of the seeds recorded at release time."""
    if course.solutions_dir.is_dir():
        from grader.judge.reference import SolutionReference

        reference = SolutionReference(course.solutions_dir)
        return reference, seed if seed is not None else _random_below(1_000_000)
    from grader.judge.recorded import RecordedReference, SeedError

    recorded = RecordedReference()  # raises NoReference when nothing was recorded
    if seed is None:
        return recorded, recorded.seeds[_random_below(len(recorded.seeds))]
    try:
        recorded.check_seed(seed)
    except SeedError as exc:
        raise UsageError(str(exc)) from None
    return recorded, seed


def _random_below(n: int) -> int:
    # os.urandom rather than `secrets`, whose import (hmac) costs more than the whole draw.
    return int.from_bytes(os.urandom(8), "big") % n


def _remember(course: Course, run: object) -> None:
    data = state.load(course.root)
    last = data.setdefault("last", {})
    for result in run.exercises:  # type: ignore[attr-defined]
        file = course.exercises_dir / course.exercise(result.name).file
        last[result.name] = {
            "status": result.status,
            "score": result.score,
            "digest": state.digest(file),
        }
    _save_state(course, data)


def _save_state(course: Course, data: dict) -> None:
    """Save progress; say once where it went if the course folder is read-only."""
    try:
        notice = state.save(course.root, data)
    except OSError:
        return  # nowhere writable: the command's result stands, only progress is lost
    if notice:
        print(f"{PROG}: note: {notice}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    course = load_course(args.path)
    last = state.load(course.root).get("last", {})
    rows = []
    for number, ex in enumerate(course.exercises, 1):
        seen = last.get(ex.name)
        if not isinstance(seen, dict):
            status = "not checked yet"
        elif seen.get("digest") != state.digest(course.exercises_dir / ex.file):
            status = f"changed since last check ({seen.get('status')})"
        else:
            status = str(seen.get("status"))
        rows.append((number, ex.name, f"exercises/{ex.file}", ex.points, status))
    print(render_list(rows, style_for(sys.stdout)))
    return 0


def cmd_hint(args: argparse.Namespace) -> int:
    course = load_course(args.path)
    (exercise,) = _select(course, [args.exercise])
    hints = exercise.hints
    if not hints:
        print(f"`{exercise.name}` has no hints.")
        return 0
    if args.all:
        for i, text in enumerate(hints, 1):
            print(f"Hint {i} of {len(hints)} for `{exercise.name}`: {text}\n")
        return 0
    data = state.load(course.root)
    seen = data.setdefault("hints", {})
    level = min(int(seen.get(exercise.name, 0)) + 1, len(hints))
    print(f"Hint {level} of {len(hints)} for `{exercise.name}`: {hints[level - 1]}")
    if level < len(hints):
        print(f"\nRun `grader hint {exercise.name}` again for the next hint.")
    else:
        print(f"\nThat was the last hint. `grader hint {exercise.name} --all` shows them all.")
    seen[exercise.name] = level
    _save_state(course, data)
    return 0
