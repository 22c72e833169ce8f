"""`grader` as a user runs it: subprocesses for exit codes and output, main(argv) for details."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli
from helpers import REPO, append, make_course, run_grader


@pytest.fixture
def stubs(tmp_path: Path) -> Path:
    return make_course(tmp_path / "stubs", solved=False)


@pytest.fixture
def solved(tmp_path: Path) -> Path:
    return make_course(tmp_path / "solved")


def test_stubs_are_all_not_attempted_and_exit_1(stubs):
    proc = run_grader("check", cwd=stubs)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.count("not attempted") == 4
    assert "Total: 0/14 points · 0 of 4 exercises pass" in proc.stdout
    assert "Next: `momentum_step`" in proc.stdout
    assert proc.stderr == ""


def test_solutions_pass_and_exit_0(solved):
    proc = run_grader("check", cwd=solved)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Total: 14/14 points · 4 of 4 exercises pass" in proc.stdout
    assert "✗" not in proc.stdout


def test_a_line_per_check_with_feedback_under_failures(tmp_path):
    wrong = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n    v = beta * velocity + lr * grad\n    return theta + v, v\n"  # noqa: E501
    root = make_course(tmp_path, files=append("momentum.py", wrong))
    proc = run_grader("check", "momentum_step", cwd=root)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    checks = [line for line in lines if line.startswith("  ✓") or line.startswith("  ✗")]
    assert len(checks) == 6
    # Unchanged arguments earn nothing while the answers are wrong (issue 9).
    assert "  ✗ leaves its arguments unchanged" in lines
    assert "counts only when the answers are right" in proc.stdout
    assert "expected theta' = [1.2, 1.8], velocity' = [-0.8, -0.2]" in proc.stdout
    assert "Likely cause: the gradient term has the wrong sign" in proc.stdout
    assert "momentum_step  0/4" in proc.stdout


def test_selecting_exercises_grades_only_those(solved):
    proc = run_grader("check", "optimize", "nesterov_step", cwd=solved)
    assert proc.returncode == 0
    assert "optimize  4/4" in proc.stdout and "nesterov_step  3/3" in proc.stdout
    assert "momentum_step" not in proc.stdout.split("Total")[0]


def test_only_selected_checks_decide_the_exit_code(tmp_path):
    root = make_course(
        tmp_path, files=append("tuning.py", "def steps_to_converge(*a, **k):\n    return 3\n")
    )  # noqa: E501
    assert run_grader("check", "optimize", cwd=root).returncode == 0
    assert run_grader("check", "steps_to_converge", cwd=root).returncode == 1


def test_unknown_exercise_is_a_usage_error_with_did_you_mean(solved):
    proc = run_grader("check", "momentm_step", cwd=solved)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("grader: error: no exercise called 'momentm_step'.")
    assert "Did you mean `momentum_step`?" in proc.stderr


@pytest.mark.parametrize("args", [["check", "--timeout", "0"], ["check", "--seed", "x"],
                                  ["check", "--bogus"], []])  # fmt: skip
def test_bad_options_exit_2(solved, args):
    proc = run_grader(*args, cwd=solved)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_outside_a_course_says_where_to_run(tmp_path):
    proc = run_grader("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert "no exercises/ folder" in proc.stderr and "--path" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_course_is_found_from_a_subfolder_and_with_path(solved, tmp_path):
    sub = solved / "exercises"
    assert run_grader("check", "optimize", cwd=sub).returncode == 0
    proc = run_grader("check", "optimize", "--path", str(solved), cwd=tmp_path)
    assert proc.returncode == 0 and str(solved / "exercises") in proc.stdout


def test_seed_is_printed_and_reproduces_the_run(tmp_path):
    wrong = "def optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9):\n    return np.zeros((steps + 1, 2))\n"  # noqa: E501
    root = make_course(tmp_path, files=append("momentum.py", wrong))
    first = run_grader("check", "optimize", cwd=root)
    seed = re.search(r"seed (\d+)", first.stdout).group(1)
    again = run_grader("check", "optimize", "--seed", seed, cwd=root)
    assert again.stdout == first.stdout
    other = run_grader("check", "optimize", "--seed", str(int(seed) + 1), cwd=root)
    assert other.stdout != first.stdout


def test_json_is_gradescope_results(tmp_path):
    root = make_course(
        tmp_path,
        files=append("nesterov.py", "def nesterov_step(*a, **k):\n    raise ValueError('nope')\n"),
    )  # noqa: E501
    proc = run_grader("check", "--json", "--seed", "7", cwd=root)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert set(data) >= {"score", "execution_time", "output", "tests", "visibility"}
    assert data["score"] == 11 and data["extra_data"]["seed"] == 7
    tests = data["tests"]
    assert len(tests) == 25
    for test in tests:
        assert set(test) >= {"name", "score", "max_score", "status", "output"}
        assert test["status"] in ("passed", "failed")
    nesterov = [t for t in tests if t["name"].startswith("nesterov_step:")]
    assert all(t["status"] == "failed" and t["score"] == 0 for t in nesterov)
    assert all("[error]" in t["output"] and "ValueError: nope" in t["output"] for t in nesterov)
    assert sum(t["max_score"] for t in tests) == pytest.approx(14)


def test_no_colour_when_piped_or_no_color(solved):
    proc = run_grader("check", "optimize", cwd=solved, env={"NO_COLOR": ""})
    assert "\033[" not in proc.stdout


def test_colour_on_a_terminal_unless_no_color(solved):
    script = "import sys; from grader.cli import main; sys.exit(main(['check', 'optimize']))"
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        ["script", "-qec", f"{sys.executable} -c \"{script}\"", "/dev/null"],
        cwd=solved, env=env, capture_output=True, text=True, timeout=120,
    ) if shutil.which("script") else None  # fmt: skip
    if out is None:
        pytest.skip("util-linux `script` is not installed")
    assert "\033[32m" in out.stdout
    env["NO_COLOR"] = "1"
    command = ["script", "-qec", f'{sys.executable} -c "{script}"', "/dev/null"]
    plain = subprocess.run(
        command, cwd=solved, env=env, capture_output=True, text=True, timeout=120
    )
    assert "\033[" not in plain.stdout and "✓" in plain.stdout


def test_ascii_marks_where_utf8_cannot_be_written(solved):
    proc = run_grader("check", "optimize", cwd=solved, env={"PYTHONIOENCODING": "ascii"})
    assert proc.returncode == 0
    assert "  + the lesson's experiment" in proc.stdout


def test_list_shows_order_points_and_last_status(tmp_path):
    root = make_course(
        tmp_path, files=append("tuning.py", "def steps_to_converge(*a, **k):\n    return 3\n")
    )  # noqa: E501
    before = run_grader("list", cwd=root)
    assert before.returncode == 0
    names = [line.split()[1] for line in before.stdout.splitlines()[1:]]
    assert names == ["momentum_step", "optimize", "nesterov_step", "steps_to_converge"]
    assert before.stdout.count("not checked yet") == 4
    run_grader("check", cwd=root)
    after = run_grader("list", cwd=root).stdout
    assert re.search(r"optimize\s+exercises/momentum.py\s+4\s+passed", after)
    assert re.search(r"steps_to_converge\s+exercises/tuning.py\s+3\s+failed", after)
    (root / "exercises" / "tuning.py").write_text("# edited\n")
    assert "changed since last check (failed)" in run_grader("list", cwd=root).stdout


def test_hints_come_one_more_each_time(solved):
    outputs = [run_grader("hint", "optimize", cwd=solved).stdout for _ in range(4)]
    assert outputs[0].startswith("Hint 1 of 3 for `optimize`")
    assert outputs[1].startswith("Hint 2 of 3 for `optimize`")
    assert outputs[2].startswith("Hint 3 of 3") and "last hint" in outputs[2]
    assert outputs[3].startswith("Hint 3 of 3")
    every = run_grader("hint", "nesterov_step", "--all", cwd=solved).stdout
    assert every.count("Hint ") == 3


def test_hint_for_unknown_exercise(solved):
    proc = run_grader("hint", "nesterov", cwd=solved)
    assert proc.returncode == 2 and "Did you mean `nesterov_step`?" in proc.stderr


def test_main_with_capsys(solved, capsys, monkeypatch):
    monkeypatch.chdir(solved)
    assert cli.main(["check", "nesterov_step", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "nesterov_step  3/3  ✓" in out and "grader check --seed 3" in out


def test_grades_the_course_it_stands_in_not_the_installed_copy(tmp_path, solved):
    # A non-editable install puts the grader elsewhere; the student's files are still the ones
    # graded. Simulate it: a copy of the package far from the course, and no repo on the path.
    site = tmp_path / "site"
    shutil.copytree(REPO / "grader", site / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "optimize"], cwd=solved,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert str(solved / "exercises") in proc.stdout
    (solved / "exercises" / "momentum.py").write_text("import numpy as np\n")
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "optimize"], cwd=solved,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 1 and "has no function `optimize`" in proc.stdout


def test_grader_check_never_imports_matplotlib(solved):
    code = (
        "import sys; from grader.cli import main; main(['check', 'optimize']); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.startswith('matplotlib'))))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=solved, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.stderr.strip() == "[]"


def test_plot_through_the_grader_command(solved, stubs):
    proc = run_grader("plot", "--out", "picture.png", cwd=solved)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (solved / "picture.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "picture.png" in proc.stdout
    proc = run_grader("plot", cwd=stubs)
    assert proc.returncode == 1
    assert "`optimize` is not implemented yet" in proc.stdout
    assert not list(stubs.glob("*.png"))


def test_a_course_without_reference_is_refused_clearly(tmp_path):
    root = make_course(tmp_path)
    shutil.rmtree(root / "solutions")
    proc = run_grader("check", cwd=root)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "there is no reference to grade against" in proc.stderr
    assert "grader release" in proc.stderr and "Traceback" not in proc.stderr


def test_a_reader_that_leaves_early_gets_no_traceback(tmp_path):
    # `grader list | head -c0`: the pipe closes before grader writes; the shell's status for a
    # closed pipe (141), and nothing on stderr.
    course = make_course(tmp_path, solved=False)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m grader list | head -c0; exit "${{PIPESTATUS[0]}}"'],
        cwd=course, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (141, "")
