"""What a plot shows, computed from plain data: paths, losses, divergence, steps to tolerance.

Pure: nothing here runs student code, draws or prints. `collect` feeds it sandbox outcomes and
reference values; `figure` draws the result; tests compare it with the reference solutions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grader.sandbox.surfaces import SURFACES

Window = tuple[float, float, float, float]  # xmin, xmax, ymin, ymax


@dataclass(frozen=True)
class Setup:
    """The run being drawn: surface, start, α, β and the number of steps."""

    surface: str
    start: tuple[float, float]
    lr: float
    beta: float
    steps: int


@dataclass(frozen=True)
class Track:
    """One optimizer's path: its points exactly as returned, their losses, how much to draw."""

    key: str  # gd | momentum | nesterov
    label: str
    points: np.ndarray  # (n, 2)
    losses: np.ndarray  # (n,); inf or NaN where the point is not finite
    drawn: int  # leading points to draw: up to where the path left the plot
    nonfinite_at: int | None  # first row that is inf or NaN
    exit_at: int | None  # first row outside the window, when the path never comes back
    reference: bool = False


@dataclass(frozen=True)
class PathPlot:
    """Everything the trajectory and loss panels show."""

    setup: Setup
    window: Window
    tracks: tuple[Track, ...]
    notes: tuple[str, ...] = ()  # worth knowing: a path diverged, Nesterov is not written yet
    problems: tuple[str, ...] = ()  # part of the student's code failed; the rest is drawn

    def track(self, key: str, reference: bool = False) -> Track:
        for t in self.tracks:
            if t.key == key and t.reference == reference:
                return t
        raise KeyError(key)


@dataclass(frozen=True)
class SweepPlot:
    """Steps to reach the tolerance for each β (NaN: not within max_steps), and plain GD's."""

    setup: Setup  # steps = max_steps; beta unused
    tol: float
    betas: np.ndarray
    counts: np.ndarray
    gd_count: float
    reference_counts: np.ndarray | None = None
    reference_gd: float | None = None
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # always empty: a sweep is all or nothing


def window_for(surface: str, start: tuple[float, float]) -> Window:
    """The surface's plotting window, grown to hold the start with a margin."""
    xmin, xmax, ymin, ymax = SURFACES[surface].window
    x, y = start
    mx, my = 0.1 * (xmax - xmin), 0.1 * (ymax - ymin)
    return (min(xmin, x - mx), max(xmax, x + mx), min(ymin, y - my), max(ymax, y + my))


def losses_of(surface: str, points: np.ndarray) -> np.ndarray:
    """The loss at each row (inf where it overflows, NaN where the point is not finite)."""
    with np.errstate(all="ignore"):
        return np.array([SURFACES[surface].loss(p) for p in points], dtype=float)


def make_track(
    key: str, label: str, points: np.ndarray, setup: Setup, window: Window, reference: bool = False
) -> Track:
    """A track with its losses and the part that stays on the plot."""
    finite = np.isfinite(points).all(axis=1)
    nonfinite_at = None if finite.all() else int(np.argmin(finite))
    n_finite = len(points) if nonfinite_at is None else nonfinite_at
    xmin, xmax, ymin, ymax = window
    head = points[:n_finite]
    inside = (
        (head[:, 0] >= xmin) & (head[:, 0] <= xmax) & (head[:, 1] >= ymin) & (head[:, 1] <= ymax)
    )
    last_inside = int(np.flatnonzero(inside)[-1]) if inside.any() else -1
    exit_at = last_inside + 1 if last_inside + 1 < n_finite else None
    # Draw one point past the exit so the line visibly leaves the axes (matplotlib clips it).
    drawn = n_finite if exit_at is None else exit_at + 1
    return Track(
        key=key,
        label=label,
        points=points,
        losses=losses_of(setup.surface, points),
        drawn=drawn,
        nonfinite_at=nonfinite_at,
        exit_at=exit_at,
        reference=reference,
    )


def divergence_note(track: Track) -> str | None:
    """A sentence for a path that blew up or left the plot for good, else None."""
    name = f"The {track.label} path"
    if track.nonfinite_at is not None:
        where = "" if track.exit_at is None else f" (step {track.exit_at})"
        return (
            f"{name} diverged: θ is inf or NaN from step {track.nonfinite_at} on. It is drawn "
            f"up to where it left the plot{where}. A smaller --lr (or --beta) keeps it stable."
        )
    if track.exit_at is not None:
        size = float(np.linalg.norm(track.points[-1]))
        return (
            f"{name} leaves the plot at step {track.exit_at} and is still outside after the "
            f"last step (|θ| = {size:.3g}). It is drawn up to where it left the plot."
        )
    return None


def steps_to_tol(surface: str, trajectory: np.ndarray, tol: float) -> float:
    """The first k with ‖∇f(θ_k)‖ ≤ tol along the trajectory, or NaN if none (or it blew up)."""
    grad = SURFACES[surface].grad
    with np.errstate(all="ignore"):
        for k, theta in enumerate(trajectory):
            if not np.isfinite(theta).all():
                break
            if np.linalg.norm(grad(theta)) <= tol:
                return float(k)
    return float("nan")


def best_beta(betas: np.ndarray, counts: np.ndarray) -> tuple[float, float] | None:
    """The β with the fewest steps (the smallest such β on a tie), or None if none converged."""
    if np.isnan(counts).all():
        return None
    i = int(np.nanargmin(counts))
    return float(betas[i]), float(counts[i])
