"""Run the student's optimizer in the sandbox (and the reference in-process) to get what to draw.

`optimize` runs once per path, all calls in one sandbox batch. `nesterov_step` has to be applied
to its own output, and the sandbox only runs independent calls, so the Nesterov path costs one
sandbox run per step (about 0.1 s each): slow for long paths but simple, and a loop or a crash
stops at the step where it happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from grader.course import Course
from grader.exercises.base import Case
from grader.judge.judging import Answer, as_pair, raise_for_outcome
from grader.judge.reference import SolutionReference
from grader.plot.data import (
    PathPlot,
    Setup,
    SweepPlot,
    Track,
    Window,
    divergence_note,
    make_track,
    steps_to_tol,
    window_for,
)
from grader.sandbox.process import run_calls
from grader.sandbox.protocol import GradSpec, Outcome
from grader.sandbox.surfaces import SURFACES
from grader.verdict import Verdict

NOT_IMPLEMENTED = (
    "`{func}` is not implemented yet, so there is nothing to plot. Replace the "
    "`raise NotImplementedError` line in exercises/{file} with your code, then run "
    "`grader plot` again."
)
NESTEROV_NOT_IMPLEMENTED = (
    "`nesterov_step` is not implemented yet, so the figure has no Nesterov path. Write it in "
    "exercises/nesterov.py to see it next to momentum."
)
NO_RETURN = "`optimize` returned None ({label}). Did you forget a `return` statement?"
BAD_SHAPE = (
    "`optimize` returned {got} ({label}); it should return the trajectory, an array of shape "
    "({rows}, 2). `grader check` says more."
)
ROW_COUNT = (
    "`optimize` returned {n} rows for {steps} steps ({label}); expected {rows}, row 0 being "
    "theta0. It is drawn as returned; `grader check` says more."
)
LABELS = {"gd": "gradient descent", "momentum": "momentum", "nesterov": "Nesterov"}


class PlotFailed(Exception):
    """The student's code could not be plotted; the message says why and what to do next."""


def outcome_message(exercise: str, case: Case, outcome: Outcome) -> str:
    """Why a call did not return normally, in the checks' words (empty when it did)."""
    if outcome.status == "not_implemented" and outcome.function in ("", exercise):
        return NOT_IMPLEMENTED.format(func=exercise, file=case.module + ".py")
    try:
        raise_for_outcome(exercise, case, outcome)
    except Verdict as verdict:
        return str(verdict)
    return ""


def optimize_case(setup: Setup, key: str, steps: int, beta: float) -> Case:
    """The `optimize` call for plain gradient descent (key "gd") or momentum."""
    momentum = key != "gd"
    x, y = setup.start
    how = f"momentum with beta = {beta:g}" if momentum else "plain gradient descent"
    label = (
        f"{how} on the {SURFACES[setup.surface].title} from ({x:g}, {y:g}), "
        f"lr = {setup.lr:g}, {steps} steps"
    )
    params = dict(
        grad_fn=GradSpec.surface(setup.surface),
        theta0=np.array(setup.start, dtype=float),
        lr=setup.lr,
        steps=steps,
        momentum=momentum,
        beta=beta,
    )
    return Case(f"plot/{key}/{beta:g}", "optimize", "plot", params, label)


def trajectory(case: Case, outcome: Outcome, notes: list[str]) -> np.ndarray:
    """The (n, 2) path `optimize` returned; raises PlotFailed when there is none to draw."""
    message = outcome_message("optimize", case, outcome)
    if message:
        raise PlotFailed(message)
    assert outcome.value is not None
    steps = case.params["steps"]
    if outcome.value.kind == "none":
        raise PlotFailed(NO_RETURN.format(label=case.label))
    value = outcome.value.as_array()
    if value is None or value.ndim != 2 or value.shape[1] != 2 or len(value) == 0:
        got = outcome.value.describe()
        raise PlotFailed(BAD_SHAPE.format(got=got, label=case.label, rows=steps + 1))
    if len(value) != steps + 1:
        notes.append(ROW_COUNT.format(n=len(value), steps=steps, label=case.label, rows=steps + 1))
    return value


def collect_paths(
    course: Course, setup: Setup, *, nesterov: bool, reference: bool, timeout: float
) -> PathPlot:
    """The student's paths (and the reference's); raises PlotFailed if `optimize` fails."""
    window = window_for(setup.surface, setup.start)
    cases = {
        key: _bind(course, optimize_case(setup, key, setup.steps, setup.beta))
        for key in ("gd", "momentum")
    }
    outcomes = _run(course, list(cases.values()), timeout)
    notes: list[str] = []
    problems: list[str] = []
    paths = {key: trajectory(case, outcomes[case.id], notes) for key, case in cases.items()}
    if nesterov:
        path, message = _student_nesterov(course, setup, timeout)
        if path is not None:
            paths["nesterov"] = path
        elif message == NESTEROV_NOT_IMPLEMENTED:
            notes.append(message)
        else:
            problems.append(message)
    tracks = [make_track(k, LABELS[k], p, setup, window) for k, p in paths.items()]
    notes.extend(n for t in tracks if (n := divergence_note(t)))
    if reference:
        tracks.extend(_reference_tracks(course, setup, cases, list(paths), window))
    return PathPlot(setup, window, tuple(tracks), tuple(notes), tuple(problems))


def nesterov_case(setup: Setup, k: int, theta: np.ndarray, velocity: np.ndarray) -> Case:
    x, y = setup.start
    label = (
        f"step {k + 1} of the Nesterov path on the {SURFACES[setup.surface].title} from "
        f"({x:g}, {y:g}), lr = {setup.lr:g}, beta = {setup.beta:g}"
    )
    params = dict(
        theta=theta, velocity=velocity, grad_fn=GradSpec.surface(setup.surface), lr=setup.lr,
        beta=setup.beta,
    )  # fmt: skip
    return Case(f"plot/nesterov/{k}", "nesterov_step", "plot", params, label)


def _student_nesterov(
    course: Course, setup: Setup, timeout: float
) -> tuple[np.ndarray | None, str]:
    """The path from applying the student's `nesterov_step` repeatedly, or (None, why not)."""
    theta, velocity = np.array(setup.start, dtype=float), np.zeros(2)
    points = [theta]
    for k in range(setup.steps):
        case = _bind(course, nesterov_case(setup, k, theta, velocity))
        outcome = _run(course, [case], timeout)[case.id]
        if outcome.status == "not_implemented" and outcome.function in ("", "nesterov_step"):
            return None, NESTEROV_NOT_IMPLEMENTED
        message = outcome_message("nesterov_step", case, outcome)
        if message:
            return None, message
        try:
            theta, velocity = as_pair("nesterov_step", Answer(case, outcome, None))
        except Verdict as verdict:
            return None, str(verdict)
        points.append(theta)
        if not (np.isfinite(theta).all() and np.isfinite(velocity).all()):
            # Nothing useful comes after inf/NaN; pad so the path still has steps + 1 rows.
            points.extend([np.full(2, np.nan)] * (setup.steps - k - 1))
            break
    return np.stack(points), ""


def _reference_tracks(
    course: Course, setup: Setup, cases: dict[str, Case], keys: list[str], window: Window
) -> list[Track]:
    ref = SolutionReference(course.solutions_dir)
    with np.errstate(all="ignore"):
        paths = {key: ref.expected(case) for key, case in cases.items()}
    if "nesterov" in keys:
        theta, velocity = np.array(setup.start, dtype=float), np.zeros(2)
        points = [theta]
        with np.errstate(all="ignore"):
            for k in range(setup.steps):
                theta, velocity = ref.expected(
                    _bind(course, nesterov_case(setup, k, theta, velocity))
                )
                points.append(theta)
        paths["nesterov"] = np.stack(points)
    return [make_track(k, LABELS[k], p, setup, window, reference=True) for k, p in paths.items()]


def collect_sweep(
    course: Course,
    setup: Setup,
    tol: float,
    betas: Sequence[float],
    *,
    reference: bool,
    timeout: float,
) -> SweepPlot:
    """Steps to tolerance for each β from the student's `optimize`, all in one sandbox run."""
    cases = [optimize_case(setup, "gd", setup.steps, 0.0)]
    cases += [optimize_case(setup, "momentum", setup.steps, float(b)) for b in betas]
    cases = [_bind(course, c) for c in cases]
    outcomes = _run(course, cases, timeout)
    notes: list[str] = []
    counts = [steps_to_tol(setup.surface, trajectory(c, outcomes[c.id], notes), tol) for c in cases]
    ref_counts: list[float] | None = None
    if reference:
        ref = SolutionReference(course.solutions_dir)
        with np.errstate(all="ignore"):
            ref_counts = [steps_to_tol(setup.surface, ref.expected(c), tol) for c in cases]
    return SweepPlot(
        setup=setup,
        tol=tol,
        betas=np.asarray(betas, dtype=float),
        counts=np.array(counts[1:]),
        gd_count=counts[0],
        reference_counts=None if ref_counts is None else np.array(ref_counts[1:]),
        reference_gd=None if ref_counts is None else ref_counts[0],
        notes=tuple(dict.fromkeys(notes)),
    )


def _bind(course: Course, case: Case) -> Case:
    """The case with the file its exercise lives in (course.toml says which)."""
    return replace(case, module=course.exercise(case.exercise).module)


def _run(course: Course, cases: Sequence[Case], timeout: float) -> dict[str, Outcome]:
    calls = [c.call() for c in cases]
    return run_calls(calls, course.exercises_dir, timeout=timeout, forbidden=[course.solutions_dir])
