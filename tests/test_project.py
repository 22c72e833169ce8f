"""The project's own promises: the README's commands, CI, lint, and the course's shape."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys

import pytest

from grader.course import load_course
from helpers import EXERCISES, REPO, SOLUTIONS, tool

README = (REPO / "README.md").read_text(encoding="utf-8")


def _command(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n +(.+)\n", README)
    assert match, f"README.md has no command after <!-- {marker} -->"
    return match.group(1).strip()


def test_readme_has_the_two_commands():
    check = _command("check-command")
    test = _command("test-command")
    assert "python3 -m venv .venv" in check and check.endswith("grader check")
    assert "pip install" in test and "'.[test]'" in test and test.endswith("-m pytest -n auto")


def test_ci_runs_the_readme_test_command_word_for_word():
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in script and "rm -rf .venv" in script
    # The extraction in .ci/run, run for real, yields the README's line.
    grep = "grep -A1 -F '<!-- test-command -->' README.md | sed -n '2p' | sed 's/^ *//'"
    out = subprocess.run(["bash", "-c", grep], cwd=REPO, capture_output=True, text=True)
    assert out.stdout.strip() == _command("test-command")


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff_is_clean(args):
    # Next to the interpreter running the tests: the README's test command does not put the
    # venv's bin/ on PATH, so shutil.which would miss it (and the test would be skipped in CI).
    ruff = tool("ruff")
    proc = subprocess.run([ruff, *args, "."], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_solutions_mirror_exercises_file_for_file():
    names = sorted(p.name for p in EXERCISES.glob("*.py"))
    assert names == sorted(p.name for p in SOLUTIONS.glob("*.py"))
    for name in names:
        stub, solution = _functions(EXERCISES / name), _functions(SOLUTIONS / name)
        assert stub.keys() == solution.keys(), name
        for func in stub:
            assert ast.dump(stub[func].args) == ast.dump(solution[func].args), (name, func)


def test_every_exercise_is_a_stub_with_math_example_todo_and_numpy():
    course = load_course(REPO)
    for exercise in course.exercises:
        path = EXERCISES / exercise.file
        text = path.read_text(encoding="utf-8")
        func = _functions(path)[exercise.name]
        doc = ast.get_docstring(func) or ""
        assert "Returns" in doc and ("Example" in doc or ">>>" in doc), exercise.name
        assert "import numpy as np" in text  # the hints use np; a stub must not lose it
        source = ast.get_source_segment(text, func) or ""
        assert "# TODO" in source and "raise NotImplementedError" in source, exercise.name
        assert len(exercise.hints) >= 2 and exercise.points > 0


def test_exact_signatures_promised_to_students():
    expected = {
        "momentum_step": "theta, velocity, grad, lr=0.1, beta=0.9",
        "optimize": "grad_fn, theta0, lr=0.1, steps=30, momentum=False, beta=0.9",
        "nesterov_step": "theta, velocity, grad_fn, lr=0.1, beta=0.9",
    }
    found = {}
    for path in EXERCISES.glob("*.py"):
        for name, node in _functions(path).items():
            args = node.args
            defaults = [None] * (len(args.args) - len(args.defaults)) + args.defaults
            found[name] = ", ".join(
                a.arg + ("" if d is None else "=" + ast.unparse(d))
                for a, d in zip(args.args, defaults, strict=True)
            )
    for name, signature in expected.items():
        assert found[name] == signature


def test_python_m_grader_and_console_scripts():
    proc = subprocess.run([sys.executable, "-m", "grader", "--help"], capture_output=True,
                          text=True, cwd=REPO)  # fmt: skip
    assert proc.returncode == 0 and "check" in proc.stdout and "hint" in proc.stdout
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'grader = "grader.cli:entry"' in pyproject and 'quiz = "quiz.cli:main"' in pyproject


def test_hidden_checks_are_not_collected_by_the_projects_pytest():
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q"], cwd=REPO,
                          capture_output=True, text=True)  # fmt: skip
    # The file part of each collected id (a test's parameters may name grader/checks files).
    files = {line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line}
    assert "tests/test_project.py" in files
    assert not [f for f in files if not f.startswith("tests/") or "check_optimize" in f], files


def test_a_skip_fails_a_strict_run_unless_marked_platform(tmp_path):
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_skips.py").write_text(
        "import pytest\n\n"
        "def test_plain():\n    pytest.skip('tool missing')\n\n"
        "@pytest.mark.platform('not on this OS')\n"
        "def test_platform():\n    pytest.skip('not on this OS')\n",
        encoding="utf-8",
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
            "-o", "markers=platform", str(tmp_path)]  # fmt: skip
    strict = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "MOMENTUM_LAB_STRICT_SKIPS": "1"})  # fmt: skip
    assert "1 failed, 1 skipped" in strict.stdout, strict.stdout
    assert "test_plain" in strict.stdout and "tool missing" in strict.stdout
    relaxed_env = {k: v for k, v in os.environ.items() if k != "MOMENTUM_LAB_STRICT_SKIPS"}
    relaxed = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=relaxed_env)
    assert "2 skipped" in relaxed.stdout, relaxed.stdout


def test_ci_runs_with_strict_skips():
    assert "export MOMENTUM_LAB_STRICT_SKIPS=1" in (REPO / ".ci" / "run").read_text("utf-8")


def _parts(command: str, separator: str) -> list[str]:
    return [part.strip() for part in command.split(separator)]


@pytest.mark.parametrize("marker", ["check-command", "test-command"])
def test_readme_powershell_commands_mirror_the_posix_ones(marker):
    # The same three steps (make the venv, install the same target, run the same tool), in
    # PowerShell 5.1's spelling: `;` (it has no `&&`), `py`, backslashes and Scripts\.
    posix = _parts(_command(marker), "&&")
    windows = _parts(_command(f"{marker}-powershell"), ";")
    assert "&&" not in _command(f"{marker}-powershell") and "/" not in " ".join(windows)
    assert windows[0] == "py -m venv .venv" and posix[0] == "python3 -m venv .venv"
    assert windows[1].startswith(r".venv\Scripts\python -m pip install ")
    assert windows[1].split("install ")[1] == posix[1].split("install ")[1]
    assert windows[2].replace("\\Scripts\\", "/bin/") == posix[2]


def test_readme_activation_commands_name_real_scripts():
    # The scripts named exist in a POSIX venv like this one (bin/); Windows' Scripts folder has
    # activate.bat for cmd, which a POSIX venv does not.
    section = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    rows = {
        "bash, zsh": ("`source .venv/bin/activate`", "activate"),
        "fish": ("`source .venv/bin/activate.fish`", "activate.fish"),
        "PowerShell": ("`.venv\\Scripts\\Activate.ps1`", "Activate.ps1"),
        "cmd": ("`.venv\\Scripts\\activate.bat`", None),
    }
    for shell, (command, script) in rows.items():
        row = next((line for line in section.splitlines() if line.startswith(f"| {shell} |")), "")
        assert command in row, f"README's activation table: {shell} should read {command}"
        if script and os.name != "nt":  # Windows' venv has no activate.fish
            assert os.path.isfile(os.path.join(os.path.dirname(sys.executable), script)), script
