"""The instructor's subcommands: `grade`, `release`, `gradescope`, `selfcheck`.

`add_parsers(subparsers)` registers them on `grader`'s parser; each handler takes the parsed
arguments, prints, and returns the exit code: 0 done, 1 selfcheck found problems, 2 usage or
set-up error (`grader: error: ...` on stderr). The work is done by the library modules beside
this one, which never print.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

from grader import argtypes
from grader.course import CourseError, load_course
from grader.sandbox.lifecycle import DEFAULT_TIMEOUT

PROG = "grader"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

GRADE_HELP = """\
Grade every submission with the hidden checks, in parallel, into DIR/grades.csv and
DIR/feedback/<student>.json (Gradescope format) and .txt (what `grader check` prints).
A submission is a folder (with exercises/ or the exercise files), a .py file or a .zip of
either; a folder of submissions is expanded one level; its name is the student id.
Submissions already graded with the same checks, seed and content are skipped (--force to
regrade). Example: grader grade submissions/ --out grades/"""
RELEASE_HELP = """\
Write the student edition to OUT_DIR: the stubs, the quiz, the grader with its hidden checks
and reference outputs recorded from solutions/, README, pyproject and a GitHub Classroom
workflow, and no solution source. Example: grader release ../momentum-lab-student"""
GRADESCOPE_HELP = """\
Write a Gradescope autograder zip (setup.sh, run_autograder and the student edition's grader)
that grades /autograder/submission into /autograder/results/results.json with one fixed seed.
Example: grader gradescope autograder.zip --visibility after_published"""
ALLOW_MODIFIED_HELP = (
    "ship exercises/ even where it differs from the pristine stubs (git HEAD, or the hashes in "
    "exercises/.stubs.json), and record it as the new stubs; solution code is still refused"
)
SELFCHECK_HELP = """\
Check the course itself: every stub is "not attempted", every solution passes, every exercise
has hints and points, exercises/ mirrors solutions/, every known_wrong/ file fails with its
diagnosis, every quiz bank validates. Exit 0 when all is well, 1 otherwise."""

NEW_HELP = """\
Write the files of a new exercise as a small working example (a gradient step): the stub, the
solution, grader/exercises/NAME.py, grader/checks/check_NAME.py, known_wrong/NAME/sign.py and a
course.toml entry. Edit them into your exercise, then run `grader selfcheck`.
Example: grader new adam_step --file adam.py"""


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register grade, release, gradescope and selfcheck on `grader`'s subparsers."""
    fmt = argparse.RawDescriptionHelpFormatter
    course_opt = argtypes.course_option()

    grade = sub.add_parser("grade", parents=[course_opt], help="grade a class of submissions",
                           description=GRADE_HELP, formatter_class=fmt)  # fmt: skip
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION")
    grade.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write")
    grade.add_argument(
        "--seed", type=argtypes.seed,
        help="the seed for every student (default: the one in DIR/grades.csv, else random)",
    )  # fmt: skip
    grade.add_argument(
        "--jobs",
        type=argtypes.count,
        metavar="N",
        help=f"processes to grade with (default: the cores, {os.cpu_count()})",
    )
    grade.add_argument(
        "--timeout",
        type=argtypes.seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"time limit per call of student code (default {DEFAULT_TIMEOUT:g})",
    )
    grade.add_argument("--force", action="store_true", help="regrade everything")
    # -- isolation (grader/sandbox/isolation.py) --
    grade.add_argument(
        "--isolation", choices=("auto", "required", "none"), default="auto",
        help="how student code is isolated from the machine: auto (the strongest available: "
        "bubblewrap, else a separate user when root, else none), required (refuse to grade "
        "without one), none (the Python audit hook only). Default auto",
    )  # fmt: skip
    # -- end isolation --
    grade.add_argument(
        "--visibility",
        choices=VISIBILITIES,
        default="visible",
        help="visibility written into the feedback JSON (default visible)",
    )
    grade.set_defaults(handler=cmd_grade)

    release = sub.add_parser("release", parents=[course_opt], help="write the student edition",
                             description=RELEASE_HELP, formatter_class=fmt)  # fmt: skip
    release.add_argument("out", type=Path, metavar="OUT_DIR")
    release.add_argument(
        "--seeds",
        type=argtypes.count,
        default=30,
        metavar="N",
        help="how many seeds to record reference outputs for (default 30)",
    )
    release.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    release.add_argument("--allow-modified-stubs", action="store_true", help=ALLOW_MODIFIED_HELP)
    release.set_defaults(handler=cmd_release)

    gs = sub.add_parser("gradescope", parents=[course_opt], help="write a Gradescope autograder",
                        description=GRADESCOPE_HELP, formatter_class=fmt)  # fmt: skip
    gs.add_argument("out", type=Path, metavar="OUT.zip")
    gs.add_argument(
        "--visibility",
        choices=VISIBILITIES,
        default="after_published",
        help="when students see the check results (default after_published)",
    )
    gs.add_argument("--seed", type=argtypes.seed, help="the seed every submission is graded with")
    gs.add_argument("--timeout", type=argtypes.seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    gs.add_argument("--allow-modified-stubs", action="store_true", help=ALLOW_MODIFIED_HELP)
    gs.set_defaults(handler=cmd_gradescope)

    selfcheck = sub.add_parser("selfcheck", parents=[course_opt], help="check the course itself",
                               description=SELFCHECK_HELP, formatter_class=fmt)  # fmt: skip
    selfcheck.add_argument(
        "--seed", type=argtypes.seed, help="the seed of the cases (default random)"
    )
    selfcheck.set_defaults(handler=cmd_selfcheck)

    new = sub.add_parser("new", parents=[course_opt], help="add an exercise (a working example)",
                         description=NEW_HELP, formatter_class=fmt)  # fmt: skip
    new.add_argument("name", metavar="NAME", help="the function students write")
    new.add_argument(
        "--file",
        required=True,
        metavar="FILE.py",
        help="the file in exercises/ and solutions/ (created or appended to)",
    )
    new.add_argument("--points", type=int, default=2, metavar="N", help="its points (default 2)")
    new.set_defaults(handler=cmd_new)


def _error(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def _guarded(work):  # type: ignore[no-untyped-def]
    """Turn the library's exceptions into `grader: error: ...` and exit code 2."""
    from grader.instructor.submissions import InstructorError
    from grader.judge.recorded import SeedError
    from grader.judge.reference import NoReference
    from grader.judge.runner import GraderError
    from grader.sandbox.process import SandboxError

    try:
        return work()
    except (CourseError, InstructorError, SeedError, OSError) as exc:
        return _error(str(exc))
    except (GraderError, SandboxError, NoReference) as exc:
        return _error(f"{str(exc).rstrip('.')}. The grader could not run: check the installation")
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted. Everything graded so far is kept.", file=sys.stderr)
        return 130


# ---- grade -------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream=sys.stderr) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.enabled = stream.isatty()
        self.started = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        width = 30
        filled = int(width * done / total)
        rate = done / max(time.perf_counter() - self.started, 1e-9)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} graded ({rate:.1f}/s) ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def cmd_grade(args: argparse.Namespace) -> int:
    from grader.instructor.batch import close_workers, grade, previous_seed

    def work() -> int:
        course = load_course(args.path)
        seed = args.seed
        if seed is None:
            seed = previous_seed(args.out)
        if seed is None:
            seed = secrets.randbelow(1_000_000)
        # -- isolation: chosen once, said before grading, warned about when absent --
        from grader.sandbox.isolation import IsolationUnavailable, choose

        args.out.mkdir(parents=True, exist_ok=True)  # so the user backend can protect it
        grader_dir = Path(__file__).resolve().parents[1]
        protect = [course.solutions_dir, course.root / "known_wrong", args.out,
                   grader_dir / "checks", grader_dir / "data"]  # fmt: skip
        try:
            isolation = choose(args.isolation, protect)
        except IsolationUnavailable as exc:
            return _error(str(exc))
        print(f"Isolation: {isolation.describe()}", flush=True)
        if not isolation.isolated and args.isolation != "none":
            print(f"{PROG}: warning: student code runs without isolation from the operating "
                  "system: a hostile submission could read the solutions or other students' "
                  "work. Install bubblewrap, or use --isolation required to refuse to grade "
                  "without it.", file=sys.stderr)  # fmt: skip
        # -- end isolation --
        try:
            batch = grade(course, args.submissions, args.out, seed=seed, jobs=args.jobs or 0,
                          timeout=args.timeout, force=args.force, visibility=args.visibility,
                          progress=Progress(), isolation=isolation)  # fmt: skip
        finally:
            close_workers()
        passed = sum(r.status == "passed" for r in batch.rows)
        errors = sum(r.status.startswith("error") for r in batch.rows)
        print(
            f"Graded {batch.graded} submission{'s' * (batch.graded != 1)} in "
            f"{batch.seconds:.1f} s ({batch.skipped} already graded, skipped), seed {seed}, "
            f"checks {batch.checks}: {passed} passed, {len(batch.rows) - passed - errors} "
            f"failed, {errors} with errors."
        )
        if batch.regraded:
            print(f"The grader failed under {batch.regraded} submission"
                  f"{'s' * (batch.regraded != 1)}; graded again on a fresh worker.")  # fmt: skip
        for note in batch.notes:
            print(f"note: {note}")
        print(f"Grades: {args.out / 'grades.csv'} (settings in grades.json)  "
              f"Feedback: {args.out / 'feedback'}/")  # fmt: skip
        return 0

    return _guarded(work)


# ---- selfcheck ---------------------------------------------------------------------------------


def cmd_selfcheck(args: argparse.Namespace) -> int:
    from grader.instructor.selfcheck import selfcheck

    def work() -> int:
        course = load_course(args.path)
        seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
        findings = selfcheck(course, seed)
        for finding in findings:
            print(("ok    " if finding.ok else "FAIL  ") + finding.message)
        bad = sum(not f.ok for f in findings)
        if bad:
            print(f"\n{bad} problem{'s' * (bad != 1)} in the course (seed {seed}).")
            return 1
        print(f"\nThe course is consistent (seed {seed}).")
        return 0

    return _guarded(work)


# ---- release and gradescope --------------------------------------------------------------------


def cmd_release(args: argparse.Namespace) -> int:
    from grader.instructor.release import release

    def work() -> int:
        course = load_course(args.path)
        summary = release(course, args.out, seeds=args.seeds, force=args.force,
                          allow_modified_stubs=args.allow_modified_stubs)  # fmt: skip
        print(summary)
        return 0

    return _guarded(work)


def cmd_new(args: argparse.Namespace) -> int:
    from grader.instructor.new import new_exercise

    course = load_course(args.path)
    print(new_exercise(course, args.name, args.file, args.points))
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    from grader.instructor.gradescope_bundle import bundle

    def work() -> int:
        course = load_course(args.path)
        seed = args.seed if args.seed is not None else secrets.randbelow(1_000_000)
        summary = bundle(course, args.out, seed=seed, visibility=args.visibility,
                         timeout=args.timeout,
                         allow_modified_stubs=args.allow_modified_stubs)  # fmt: skip
        print(summary)
        return 0

    return _guarded(work)
