"""`grader plot`: the command line of the plots; the only module here that prints.

`add_parser(subparsers)` registers the subcommand on grader's own parser (grader.cli).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from grader.course import CourseError, load_course
from grader.sandbox.process import DEFAULT_TIMEOUT, SandboxError

if TYPE_CHECKING:
    from grader.plot.data import Setup

# numpy, matplotlib and the plotting modules are imported inside `run`: registering this
# subcommand must cost `grader check` nothing.

DESCRIPTION = """\
Draw your own `optimize` on a loss surface: plain gradient descent and momentum over the
contours of the loss, and the loss at each step on a log scale. Your code runs in the same
isolated process as `grader check`.

examples:
  grader plot                                  the lesson's ravine, α = 0.1, β = 0.9, 30 steps
  grader plot --beta 0.5 --reference           compare with the reference solution (dashed)
  grader plot --surface rosenbrock --nesterov  add your `nesterov_step` path
  grader plot --sweep                          steps to converge against β
"""
# Per surface: a learning rate that keeps plain gradient descent stable there, and a step count
# that shows the interesting part. The ravine's are the lesson's.
SURFACE_DEFAULTS = {"ravine": (0.1, 30), "ill-conditioned": (0.07, 30), "rosenbrock": (0.002, 100)}
DEFAULT_BETA = 0.9
SWEEP_BETAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
SWEEP_STEPS = 1000
DEFAULT_TOL = 1e-6
MAX_STEPS = 10_000
MAX_NESTEROV_STEPS = 300  # one sandbox run per Nesterov step, about 0.1 s each
OUT = {"paths": "momentum-plot.png", "sweep": "momentum-sweep.png"}

HELP_SURFACE = "loss surface (default: ravine, the lesson's ½(4x² + y²))"
HELP_LR = "learning rate α (default: 0.1 on the ravine; each surface has its own)"
HELP_BETA = f"momentum coefficient β, in [0, 1) (default: {DEFAULT_BETA})"
HELP_STEPS = "number of steps (default: 30 on the ravine; with --sweep the most to try, 1000)"
HELP_START = "starting point (default: the surface's, (2, 2) on the ravine)"
HELP_KIND = "both panels (default), only the paths, or only the loss per step"
HELP_NESTEROV = "add the path of your `nesterov_step` (about 0.1 s per step)"
HELP_REFERENCE = "overlay the reference solution's paths, faint and dashed"
HELP_SWEEP = "plot steps to reach --tol against β instead, with plain gradient descent as a line"
HELP_TOL = f"with --sweep: gradient-norm tolerance (default: {DEFAULT_TOL:g})"
HELP_OUT = f"PNG or SVG file to write (default: {OUT['paths']} in the current folder)"
HELP_SHOW = "also open a window, when a display exists (never in CI)"
HELP_TIMEOUT = f"seconds each call of your code may take (default: {DEFAULT_TIMEOUT:g})"
HELP_PATH = "course folder (default: the nearest folder above with exercises/ in it)"


class UsageError(Exception):
    """A bad option value; the message says what to pass instead."""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `plot` on grader's subcommands; its handler is `run`."""
    parser = subparsers.add_parser(
        "plot",
        help="draw your optimizer's paths and loss curves",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_arguments(parser)
    parser.set_defaults(handler=run)
    return parser


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    surfaces = list(SURFACE_DEFAULTS)
    parser.add_argument("--surface", choices=surfaces, default="ravine", help=HELP_SURFACE)
    parser.add_argument("--lr", type=float, help=HELP_LR)
    parser.add_argument("--beta", type=float, help=HELP_BETA)
    parser.add_argument("--steps", type=int, help=HELP_STEPS)
    parser.add_argument("--start", type=float, nargs=2, metavar=("X", "Y"), help=HELP_START)
    parser.add_argument("--kind", choices=("both", "path", "loss"), help=HELP_KIND)
    parser.add_argument("--nesterov", action="store_true", help=HELP_NESTEROV)
    parser.add_argument("--reference", action="store_true", help=HELP_REFERENCE)
    parser.add_argument("--sweep", action="store_true", help=HELP_SWEEP)
    parser.add_argument("--tol", type=float, help=HELP_TOL)
    parser.add_argument("--out", type=Path, metavar="FILE", help=HELP_OUT)
    parser.add_argument("--show", action="store_true", help=HELP_SHOW)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help=HELP_TIMEOUT)
    parser.add_argument("--path", type=Path, metavar="DIR", help=HELP_PATH)


def run(args: argparse.Namespace) -> int:
    """Collect, draw, save; print where the figure went. 0 drawn, 1 student code failed, 2 usage."""
    from grader.judge.reference import NoReference
    from grader.plot import figure
    from grader.plot.collect import PlotFailed, collect_paths, collect_sweep

    try:
        setup, out = _setup(args), _out_file(args)
        course = load_course(args.path)
        if args.reference and not course.solutions_dir.is_dir():
            raise UsageError(
                f"--reference needs the reference solutions, and {course.solutions_dir} does not "
                "exist. Drop --reference, or pass the instructor's course folder with --path"
            )
        if args.sweep:
            tol = DEFAULT_TOL if args.tol is None else args.tol
            plot = collect_sweep(
                course, setup, tol, SWEEP_BETAS, reference=args.reference, timeout=args.timeout
            )
        else:
            plot = collect_paths(
                course, setup, nesterov=args.nesterov, reference=args.reference,
                timeout=args.timeout,
            )  # fmt: skip
    except (UsageError, CourseError, SandboxError, NoReference) as exc:
        return _error(str(exc))
    except PlotFailed as failed:
        print(failed)
        print("No figure was written.")
        return 1
    show = args.show and _display_available()
    if args.sweep:
        fig = figure.draw_sweep(plot, show=show)  # type: ignore[arg-type]
    else:
        fig = figure.draw_paths(plot, kind=args.kind or "both", show=show)  # type: ignore[arg-type]
    try:
        figure.save(fig, out)
    except OSError as exc:
        return _error(f"cannot write {out}: {exc.strerror or exc}. Pass --out with a writable file")
    for note in plot.notes:
        print(f"Note: {note}")
    for problem in plot.problems:
        print(problem)
    print(f"Wrote {out}")
    if args.show and not show:
        print("No display found (or running in CI), so no window was opened.")
    elif show:
        figure.show_window()
    return 1 if plot.problems else 0


def _setup(args: argparse.Namespace) -> Setup:
    """The run to draw, from the options and the surface's defaults; raises UsageError."""
    from grader.plot.data import Setup
    from grader.sandbox.surfaces import SURFACES

    lr_default, steps_default = SURFACE_DEFAULTS[args.surface]
    if args.sweep:
        steps_default = SWEEP_STEPS
        for flag, value in (("--beta", args.beta), ("--kind", args.kind)):
            if value is not None:
                raise UsageError(f"{flag} does not go with --sweep, which varies β. Drop {flag}")
        if args.nesterov:
            raise UsageError("--nesterov does not go with --sweep. Drop one of them")
    elif args.tol is not None:
        raise UsageError("--tol only applies to --sweep. Add --sweep, or drop --tol")
    lr = lr_default if args.lr is None else args.lr
    beta = DEFAULT_BETA if args.beta is None else args.beta
    steps = steps_default if args.steps is None else args.steps
    start = SURFACES[args.surface].start if args.start is None else tuple(args.start)
    _require(math.isfinite(lr) and lr > 0, f"--lr must be a positive number, not {lr:g}")
    _require(0 <= beta < 1, f"--beta must be at least 0 and below 1, not {beta:g}")
    cap = MAX_NESTEROV_STEPS if args.nesterov else MAX_STEPS
    _require(1 <= steps <= cap, f"--steps must be from 1 to {cap}, not {steps}")
    _require(all(map(math.isfinite, start)), "--start needs two finite numbers")
    _require(args.tol is None or args.tol > 0, "--tol must be a positive number")
    timeout = args.timeout
    _require(math.isfinite(timeout) and timeout > 0, "--timeout must be a positive number")
    return Setup(args.surface, (float(start[0]), float(start[1])), lr, beta, steps)


def _out_file(args: argparse.Namespace) -> Path:
    out = args.out if args.out is not None else Path(OUT["sweep" if args.sweep else "paths"])
    out = out.expanduser().resolve()
    _require(
        out.suffix.lower() in (".png", ".svg"),
        f"--out {args.out} must end in .png or .svg (the format follows the suffix)",
    )
    _require(out.parent.is_dir(), f"the folder {out.parent} for --out does not exist")
    return out


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise UsageError(message)


def _display_available() -> bool:
    """Whether --show may open a window: never in CI, and on Linux only with a display."""
    if os.environ.get("CI"):
        return False
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _error(message: str) -> int:
    message = message.rstrip()
    end = "" if message.endswith((".", "?", "!")) else "."
    print(f"grader: error: {message}{end}", file=sys.stderr)
    return 2
