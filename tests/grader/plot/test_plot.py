"""`grader plot`: figures from the student's own code, on tiny course folders in tmp_path."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from grader.cli import main as grader_main
from grader.course import load_course
from grader.plot import command, figure
from grader.plot.collect import collect_paths, collect_sweep
from grader.plot.data import Setup
from grader.sandbox.surfaces import SURFACES
from helpers import REPO

SOLUTIONS = REPO / "solutions"
STUBS = REPO / "exercises"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LESSON = Setup("ravine", (2.0, 2.0), 0.1, 0.9, 30)


def main(argv: list[str]) -> int:
    """`grader plot ARGV` in this process."""
    return grader_main(["plot", *argv])


MAIN = "import sys; from grader.cli import main; sys.exit(main(['plot', *sys.argv[1:]]))"

OPTIMIZE_HEAD = "\n\ndef optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):\n"
CRASH = OPTIMIZE_HEAD + "    raise ValueError('boom in my optimize')\n"
LOOP = OPTIMIZE_HEAD + "    while True:\n        pass\n"
NO_RETURN = OPTIMIZE_HEAD + "    theta = np.array(theta0, dtype=float)\n"
# Momentum with the gradient term scaled by 1e100: off the plot at step 1, inf from step 4.
DIVERGE = OPTIMIZE_HEAD + textwrap.indent(
    textwrap.dedent("""\
        theta = np.array(theta0, dtype=float)
        velocity = np.zeros_like(theta)
        rows = [theta]
        with np.errstate(all="ignore"):
            for _ in range(steps):
                g = grad_fn(theta)
                velocity = beta * velocity - lr * g * (1e100 if momentum else 1.0)
                theta = theta + velocity if momentum else theta - lr * g
                rows.append(theta)
        return np.stack(rows)
    """),
    "    ",
)


def make_course(root: Path, optimize: str = "", stub: str = "", solutions: bool = True) -> Path:
    """A course folder: the reference solutions as the student's code, with `optimize`
    replaced by `optimize` source, or the stub of module `stub` (e.g. "nesterov") kept."""
    exercises = root / "exercises"
    exercises.mkdir(parents=True)
    for path in SOLUTIONS.glob("*.py"):
        shutil.copy(path, exercises / path.name)
    if stub:
        shutil.copy(STUBS / f"{stub}.py", exercises / f"{stub}.py")
    if optimize:
        with open(exercises / "momentum.py", "a", encoding="utf-8") as f:
            f.write(optimize)  # a later `def` replaces the solution's
    if solutions:
        shutil.copytree(SOLUTIONS, root / "solutions")
    return root


def solution(module: str, func: str):
    return runpy.run_path(str(SOLUTIONS / f"{module}.py"))[func]


@pytest.fixture
def solved(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


def test_solutions_write_a_png_of_the_expected_size(solved, tmp_path, monkeypatch, capsys):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    assert main(["--path", str(solved)]) == 0
    out = tmp_path / "momentum-plot.png"
    assert capsys.readouterr().out.strip().splitlines()[-1] == f"Wrote {out}"
    assert out.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(out) as image:
        image.verify()
    with Image.open(out) as image:
        width, height = image.size
    w_in, h_in = figure.FIGSIZE["both"]  # the ravine's window is square: no width change
    # bbox_inches="tight" trims or grows the edges a little; the figure itself is w x h inches.
    assert abs(width - w_in * figure.DPI) < 0.05 * w_in * figure.DPI
    assert abs(height - h_in * figure.DPI) < 0.08 * h_in * figure.DPI


def test_plotted_paths_and_losses_are_the_optimizers_output(solved):
    course = load_course(solved)
    setup = Setup("ravine", (2.0, 2.0), 0.1, 0.9, 4)
    plot = collect_paths(course, setup, nesterov=True, reference=True, timeout=10)
    optimize = solution("momentum", "optimize")
    nesterov_step = solution("nesterov", "nesterov_step")
    grad, loss = SURFACES["ravine"].grad, SURFACES["ravine"].loss
    theta, v = np.array([2.0, 2.0]), np.zeros(2)
    nesterov = [theta]
    for _ in range(4):
        theta, v = nesterov_step(theta, v, grad, 0.1, 0.9)
        nesterov.append(theta)
    expected = {
        "gd": optimize(grad, np.array([2.0, 2.0]), 0.1, 4, False, 0.9),
        "momentum": optimize(grad, np.array([2.0, 2.0]), 0.1, 4, True, 0.9),
        "nesterov": np.stack(nesterov),
    }
    for key, path in expected.items():
        for reference in (False, True):
            track = plot.track(key, reference)
            np.testing.assert_array_equal(track.points, path)
            np.testing.assert_array_equal(track.losses, [loss(p) for p in path])
            assert track.drawn == len(path)
    assert plot.notes == () and plot.problems == ()

    # And the figure draws exactly those numbers: the momentum line on both panels.
    fig = figure.draw_paths(plot)
    path_ax, loss_ax = fig.axes
    colour = figure.COLOURS["momentum"]
    (path_line,) = [
        ln for ln in path_ax.lines if ln.get_color() == colour and ln.get_marker() == "s"
    ]
    np.testing.assert_array_equal(path_line.get_xydata(), expected["momentum"])
    (loss_line,) = [
        ln for ln in loss_ax.lines if ln.get_color() == colour and ln.get_marker() == "s"
    ]
    np.testing.assert_array_equal(loss_line.get_ydata(), [loss(p) for p in expected["momentum"]])


def test_the_sweep_counts_the_lessons_steps(solved):
    course = load_course(solved)
    setup = Setup("ravine", (2.0, 2.0), 0.1, 0.0, 1000)
    plot = collect_sweep(course, setup, 1e-6, (0.5, 0.9, 0.99), reference=True, timeout=10)
    # The numbers from the steps_to_converge exercise: GD 138, β 0.5 → 44, 0.9 → 269, 0.99 never.
    assert plot.gd_count == 138
    np.testing.assert_array_equal(plot.counts, [44, 269, np.nan])
    np.testing.assert_array_equal(plot.reference_counts, plot.counts)


def test_sweep_command_writes_a_png(solved, tmp_path, capsys):
    out = tmp_path / "sweep.png"
    assert main(["--path", str(solved), "--sweep", "--out", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    assert out.read_bytes()[:8] == PNG_SIGNATURE


def test_svg_output_is_xml(solved, tmp_path):
    out = tmp_path / "plot.svg"
    assert main(["--path", str(solved), "--out", str(out), "--kind", "path"]) == 0
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize(
    ("source", "timeout", "expected"),
    [
        ("", "5", "`optimize` is not implemented yet, so there is nothing to plot."),
        (CRASH, "5", "`optimize` raised ValueError"),
        (LOOP, "1", "calling `optimize` did not finish within 1 s"),
        (NO_RETURN, "5", "`optimize` returned None"),
    ],
    ids=["stub", "crash", "loop", "no-return"],
)
def test_student_failures_give_a_message_and_no_figure(tmp_path, capsys, source, timeout, expected):
    course = make_course(tmp_path / "course", optimize=source, stub="" if source else "momentum")
    out = tmp_path / "plot.png"
    assert main(["--path", str(course), "--out", str(out), "--timeout", timeout]) == 1
    printed = capsys.readouterr().out
    assert expected in printed
    assert printed.rstrip().endswith("No figure was written.")
    assert not out.exists()
    if source == CRASH:
        assert "boom in my optimize" in printed and "momentum.py" in printed


def test_a_diverging_path_is_drawn_until_it_leaves_the_plot(tmp_path, capsys):
    course = make_course(tmp_path / "course", optimize=DIVERGE)
    out = tmp_path / "plot.png"
    assert main(["--path", str(course), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Note: The momentum path diverged: θ is inf or NaN from step 4 on." in printed
    assert "drawn up to where it left the plot (step 1)" in printed
    assert out.read_bytes()[:8] == PNG_SIGNATURE

    plot = collect_paths(load_course(course), LESSON, nesterov=False, reference=False, timeout=5)
    track = plot.track("momentum")
    assert (track.nonfinite_at, track.exit_at, track.drawn) == (4, 1, 2)
    assert plot.track("gd").drawn == 31  # the other path is whole


def test_a_stub_nesterov_is_a_note_and_the_rest_is_drawn(tmp_path, capsys):
    course = make_course(tmp_path / "course", stub="nesterov")
    out = tmp_path / "plot.png"
    assert main(["--path", str(course), "--out", str(out), "--nesterov", "--steps", "3"]) == 0
    printed = capsys.readouterr().out
    assert (
        "Note: `nesterov_step` is not implemented yet, so the figure has no Nesterov path"
        in printed
    )
    assert out.is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", "plot.pdf"], "must end in .png or .svg"),
        (["--beta", "1.5"], "--beta must be at least 0 and below 1"),
        (["--lr", "0"], "--lr must be a positive number"),
        (["--sweep", "--nesterov"], "--nesterov does not go with --sweep"),
        (["--tol", "1e-3"], "--tol only applies to --sweep"),
        (["--steps", "301", "--nesterov"], "--steps must be from 1 to 300"),
    ],
)
def test_bad_options_are_usage_errors(solved, tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    assert main(["--path", str(solved), *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("grader: error: ") and message in err and err.rstrip().endswith(".")
    assert not list(tmp_path.glob("*.p*"))


def test_reference_without_solutions_is_a_usage_error(tmp_path, capsys):
    course = make_course(tmp_path / "course", solutions=False)
    assert main(["--path", str(course), "--reference"]) == 2
    assert "--reference needs the reference solutions" in capsys.readouterr().err


def test_no_course_folder_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("grader: error: no exercises/ folder")


def test_show_without_a_display_never_opens_a_window(solved, tmp_path, monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(figure, "show_window", lambda: pytest.fail("tried to open a window"))
    out = tmp_path / "plot.png"
    assert main(["--path", str(solved), "--out", str(out), "--show", "--kind", "loss"]) == 0
    assert "no window was opened" in capsys.readouterr().out
    assert out.is_file()


def test_add_parser_registers_plot_with_run_as_handler():
    import argparse

    parser = argparse.ArgumentParser(prog="grader")
    command.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["plot", "--surface", "rosenbrock", "--start", "0", "1"])
    assert args.handler is command.run
    assert (args.surface, args.start) == ("rosenbrock", [0.0, 1.0])


def test_subprocess_writes_the_figure_and_imports_matplotlib_only_to_draw(solved, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "--path", str(solved)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == f"Wrote {tmp_path / 'momentum-plot.png'}"
    lazy = (
        "import sys, grader.plot.command, grader.judge.runner; print('matplotlib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", lazy], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "False", done.stderr
