"""Draw a PathPlot or a SweepPlot with matplotlib.

Matplotlib is imported inside these functions only, so `grader check` and `quiz` never pay for
it. Figures are plain `Figure` objects on the Agg canvas (no pyplot, no window), except with
`show=True`, where pyplot makes one that can open a window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.plot.data import PathPlot, SweepPlot, best_beta
from grader.sandbox.surfaces import SURFACES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 110
FIGSIZE = {"both": (12.5, 5.6), "path": (7.0, 6.4), "loss": (7.5, 5.0), "sweep": (8.5, 5.2)}
# Okabe–Ito: distinguishable with every common colour-vision deficiency, and each method also
# has its own marker, so the figure still reads in greyscale.
COLOURS = {"gd": "#0072B2", "momentum": "#D55E00", "nesterov": "#009E73"}
MARKERS = {"gd": "o", "momentum": "s", "nesterov": "^"}
INK = "#222222"
LOSS_RATIO = 1.1  # width of the loss panel against a square contour panel
TITLE_SIZE, LABEL_SIZE = 13, 11


def figure_size(plot: PathPlot | SweepPlot, kind: str = "both") -> tuple[float, float]:
    """Width and height in inches; a narrow contour window gets a narrower figure."""
    if isinstance(plot, SweepPlot):
        return FIGSIZE["sweep"]
    width, height = FIGSIZE[kind]
    if kind == "both":
        width *= (_path_ratio(plot) + LOSS_RATIO) / (1.0 + LOSS_RATIO)
    elif kind == "path":
        width *= max(_path_ratio(plot), 0.6)
    return width, height


def _path_ratio(plot: PathPlot) -> float:
    # Equal aspect: the contour panel is as wide, relative to its height, as the window is.
    xmin, xmax, ymin, ymax = plot.window
    return min(max((xmax - xmin) / (ymax - ymin), 0.35), 1.6)


def draw_paths(plot: PathPlot, kind: str = "both", show: bool = False) -> Figure:
    """The trajectory panel, the loss panel, or both side by side."""
    fig = _new_figure(figure_size(plot, kind), show)
    s = plot.setup
    surface = SURFACES[s.surface]
    x, y = s.start
    fig.suptitle(
        f"{surface.title[0].upper()}{surface.title[1:]} {surface.formula} from ({x:g}, {y:g}): "
        f"α = {s.lr:g}, β = {s.beta:g}, {s.steps} steps",
        fontsize=TITLE_SIZE + 1,
    )
    if kind == "both":
        left, right = fig.subplots(1, 2, width_ratios=[_path_ratio(plot), LOSS_RATIO])
        _path_panel(left, plot)
        _loss_panel(right, plot)
    elif kind == "path":
        _path_panel(fig.subplots(), plot)
    else:
        _loss_panel(fig.subplots(), plot)
    fig.legend(
        handles=_legend_handles(plot, kind),
        loc="outside lower center",
        ncols=4,
        frameon=False,
        fontsize=LABEL_SIZE,
    )
    return fig


def _path_panel(ax: Axes, plot: PathPlot) -> None:
    from matplotlib.colors import LinearSegmentedColormap, LogNorm

    xmin, xmax, ymin, ymax = plot.window
    surface = SURFACES[plot.setup.surface]
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 300), np.linspace(ymin, ymax, 300))
    z = surface.loss(np.stack([gx, gy]))
    # Log-spaced levels: the interesting part of every surface is near its (small) minimum.
    low = max(float(np.percentile(z, 0.5)), float(z.max()) * 1e-5)
    levels = np.geomspace(low, float(z.max()), 14)
    norm = LogNorm(low, float(z.max()))
    # Light greys, low loss lightest: the coloured paths are what the eye should follow.
    paper = LinearSegmentedColormap.from_list("paper", ["#ffffff", "#c4c4c4"])
    ax.contourf(gx, gy, np.clip(z, low, None), levels=levels, cmap=paper, norm=norm)
    ax.contour(gx, gy, z, levels=levels, colors="#9a9a9a", linewidths=0.6)
    for track in plot.tracks:
        points = track.points[: track.drawn]
        if track.reference:
            ax.plot(*points.T, ls="--", lw=1.4, color=COLOURS[track.key], alpha=0.55, zorder=3)
            continue
        ax.plot(
            *points.T,
            color=COLOURS[track.key],
            marker=MARKERS[track.key],
            ms=4.5,
            lw=1.6,
            mec="white",
            mew=0.5,
            zorder=4,
        )
        if track.nonfinite_at is None and track.exit_at is None:
            ax.plot(*points[-1], marker="D", ms=10, color=COLOURS[track.key], mec=INK, zorder=6)
    ax.plot(*plot.setup.start, marker="o", ms=11, color=INK, mec="white", mew=1.5, zorder=7)
    ax.plot(*surface.minimum, marker="+", ms=14, mew=2, color=INK, zorder=5)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.set_xlabel("x", fontsize=LABEL_SIZE)
    ax.set_ylabel("y", fontsize=LABEL_SIZE)
    ax.set_title("Paths over the loss contours", fontsize=TITLE_SIZE)
    left = [t.label for t in plot.tracks if not t.reference and t.drawn < len(t.points)]
    if left:
        ax.text(
            0.02, 0.02, "left the plot: " + ", ".join(left), transform=ax.transAxes,
            fontsize=LABEL_SIZE - 1, color=INK, va="bottom",
            bbox=dict(boxstyle="round", fc="white", ec="#999999", alpha=0.9),
        )  # fmt: skip


def _loss_panel(ax: Axes, plot: PathPlot) -> None:
    for track in plot.tracks:
        losses = np.where(np.isfinite(track.losses) & (track.losses > 0), track.losses, np.nan)
        steps = np.arange(len(losses))
        if track.reference:
            ax.plot(steps, losses, ls="--", lw=1.4, color=COLOURS[track.key], alpha=0.55)
            continue
        every = max(1, len(losses) // 40)  # markers stay readable on long runs
        ax.plot(
            steps,
            losses,
            color=COLOURS[track.key],
            marker=MARKERS[track.key],
            ms=4.5,
            markevery=every,
            lw=1.6,
            mec="white",
            mew=0.5,
        )
    ax.set_yscale("log")
    stayed = [t.losses[np.isfinite(t.losses)] for t in plot.tracks if t.drawn == len(t.points)]
    if any(t.drawn < len(t.points) for t in plot.tracks):
        # A path that blew up would squash the others into a flat line: let it leave the top.
        first = [float(t.losses[0]) for t in plot.tracks if np.isfinite(t.losses[0])]
        top = max([float(x.max()) for x in stayed if x.size] + first + [1e-300])
        positive = [float(x[x > 0].min()) for x in stayed if (x > 0).any()]
        ax.set_ylim(min(positive + [top]) / 3, top * 1e3)
    pad = 0.02 * plot.setup.steps
    ax.set_xlim(-pad, plot.setup.steps + pad)
    ax.grid(True, which="major", color="#dddddd", lw=0.8)
    ax.set_xlabel("step k", fontsize=LABEL_SIZE)
    ax.set_ylabel("loss f(θₖ)  (log scale)", fontsize=LABEL_SIZE)
    ax.set_title("Loss per step", fontsize=TITLE_SIZE)


def _legend_handles(plot: PathPlot, kind: str) -> list[Any]:
    from matplotlib.lines import Line2D

    handles: list[Any] = []
    for track in plot.tracks:
        if not track.reference:
            handles.append(
                Line2D([], [], color=COLOURS[track.key], marker=MARKERS[track.key], ms=6, lw=1.6,
                       label=track.label)
            )  # fmt: skip
    if any(t.reference for t in plot.tracks):
        handles.append(Line2D([], [], color="#777777", ls="--", lw=1.4, label="reference solution"))
    if kind != "loss":
        handles += [
            Line2D([], [], ls="", marker="o", ms=9, color=INK, mec="white", label="start"),
            Line2D([], [], ls="", marker="D", ms=8, color="#bbbbbb", mec=INK, label="end"),
            Line2D([], [], ls="", marker="+", ms=11, mew=2, color=INK, label="minimum"),
        ]
    return handles


def draw_sweep(plot: SweepPlot, show: bool = False) -> Figure:
    """Steps to reach the tolerance against β, with plain gradient descent as a line."""
    fig = _new_figure(FIGSIZE["sweep"], show)
    ax = fig.subplots()
    s = plot.setup
    surface = SURFACES[s.surface]
    x, y = s.start
    fig.suptitle(
        f"Steps until ‖∇f‖ ≤ {plot.tol:g} on the {surface.title} {surface.formula}\n"
        f"from ({x:g}, {y:g}) with α = {s.lr:g}, at most {s.steps} steps",
        fontsize=TITLE_SIZE,
    )
    reached = ~np.isnan(plot.counts)
    ax.plot(
        plot.betas, plot.counts, color=COLOURS["momentum"], marker="s", ms=6, lw=1.8,
        label="momentum (your optimize)",
    )  # fmt: skip
    if (~reached).any():
        ax.plot(
            plot.betas[~reached], np.full((~reached).sum(), s.steps), ls="", marker="x", ms=9,
            mew=2, color=COLOURS["momentum"], label=f"not within {s.steps} steps",
        )  # fmt: skip
    if not np.isnan(plot.gd_count):
        gd = f"plain gradient descent: {plot.gd_count:.0f} steps"
        ax.axhline(plot.gd_count, color=COLOURS["gd"], lw=1.8, ls="-.", label=gd)
    if plot.reference_counts is not None:
        ax.plot(
            plot.betas, plot.reference_counts, color=COLOURS["momentum"], ls="--", lw=1.4,
            alpha=0.55, label="reference solution",
        )  # fmt: skip
    best = best_beta(plot.betas, plot.counts)
    if best is not None:
        ax.annotate(
            f"fewest: β = {best[0]:g}, {best[1]:.0f} steps", xy=best, xytext=(0, 40),
            textcoords="offset points", ha="center", fontsize=LABEL_SIZE - 1, color=INK,
            bbox=dict(boxstyle="round", fc="white", ec="#999999"),
            arrowprops=dict(arrowstyle="->", color=INK, lw=0.8),
        )  # fmt: skip
    hint = dict(transform=ax.transAxes, fontsize=LABEL_SIZE - 1, color="#555555", style="italic")
    ax.text(0.03, 0.3, "small β: little faster\nthan gradient descent", **hint)
    ax.text(0.84, 0.45, "β near 1: overshoots,\noscillates, slow", ha="right", **hint)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(0, s.steps * 1.08)
    ax.grid(True, color="#dddddd", lw=0.8)
    ax.set_xlabel("momentum coefficient β", fontsize=LABEL_SIZE)
    ax.set_ylabel("steps to reach the tolerance", fontsize=LABEL_SIZE)
    ax.legend(loc="upper left", fontsize=LABEL_SIZE - 1, framealpha=0.95)
    return fig


def _new_figure(size: tuple[float, float], show: bool) -> Figure:
    if show:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=size, dpi=DPI, layout="constrained")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # Agg, whatever backend the environment would pick
    return fig


def save(fig: Figure, out: Path) -> None:
    """Write PNG or SVG (from the suffix), cropped to the drawing."""
    fig.savefig(out, dpi=DPI, bbox_inches="tight", pad_inches=0.15)


def show_window() -> None:
    """Open the window(s) of figures made with show=True; returns when they are closed."""
    import matplotlib.pyplot as plt

    plt.show()
