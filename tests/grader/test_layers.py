"""The grader's layers: imports point one way, and the student's path stays small.

Ranks, lowest first: sandbox (the worker and the plain data it exchanges), exercises, the plain
records (course, results, verdict), judge, then report and state, then plot and instructor, then
the command line. A module may import its own rank or lower, never higher.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, make_course

GRADER = REPO / "grader"
RANKS = {
    "grader.sandbox": 0,
    "grader.exercises": 1,
    "grader.course": 2,
    "grader.results": 2,
    "grader.verdict": 2,
    "grader.judge": 3,
    "grader.checks": 3,
    "grader.report": 4,
    "grader.state": 4,
    "grader.argtypes": 4,
    "grader.textsafe": 4,
    "grader.plot": 5,
    "grader.instructor": 5,
    "grader.cli": 6,
    "grader.__main__": 6,
    "grader": 6,  # the package's __init__
}


def rank(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        name = ".".join(parts[:n])
        if name in RANKS:
            return RANKS[name]
    raise AssertionError(f"{module} has no rank: add its folder to RANKS in {__file__}")


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every grader module this file imports, at any depth of the code."""
    found = []
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("grader")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("grader"):
                # `from grader.judge import cases` imports grader.judge.cases
                subs = [f"{target}.{a.name}" for a in node.names]
                found += [(node.lineno, s if s.split(".")[-1] != "*" else target) for s in subs]
    return found


MODULES = sorted(p for p in GRADER.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_imports_point_down(path):
    own = rank(module_name(path))
    upward = [
        f"{path.relative_to(REPO)}:{line} imports {target} (rank {rank(target)} > {own})"
        for line, target in imports(path)
        if rank(target) > own
    ]
    assert not upward, "\n".join(upward)


def test_the_rule_catches_an_upward_import(tmp_path):
    # The checker itself: a sandbox module importing the judge must be reported.
    bad = GRADER / "sandbox" / "_probe_upward.py"
    try:
        bad.write_text("from grader.judge import runner\n", encoding="utf-8")
        with pytest.raises(AssertionError, match="imports grader.judge.runner"):
            test_imports_point_down(bad)
    finally:
        bad.unlink()


def test_grader_check_loads_no_instructor_plot_or_quiz_code(tmp_path):
    """`grader check` on the stubs, with a hook that lists the modules loaded at exit."""
    course = make_course(tmp_path / "course", solved=False)
    probe = (
        "import atexit, os, sys\n"
        "import grader.cli\n"
        "def dump():\n"
        "    with open(os.environ['PROBE_OUT'], 'w') as f:\n"
        "        f.write('\\n'.join(sorted(sys.modules)))\n"
        "code = grader.cli.main(['check'])\n"
        "dump()\n"
        "sys.exit(code)\n"
    )
    out = tmp_path / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=course, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(REPO), "PROBE_OUT": str(out), "NO_COLOR": "1",
             "PATH": "/usr/bin:/bin", "SYSTEMROOT": ""},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # stubs: not attempted
    assert "not attempted" in done.stdout
    loaded = out.read_text(encoding="utf-8").split()
    assert "grader.judge.runner" in loaded  # the probe saw the real run
    unwanted = [
        m
        for m in loaded
        if m.startswith(("grader.instructor", "grader.plot", "matplotlib", "quiz"))
    ]
    assert not unwanted, unwanted


@pytest.mark.parametrize("command", [["list"], ["hint", "optimize"], ["--version"]])
def test_commands_that_run_no_code_load_no_numpy(tmp_path, command):
    course = make_course(tmp_path / "course", solved=False)
    probe = (
        "import sys\nimport grader.cli\n"
        f"try:\n    grader.cli.main({command!r})\nexcept SystemExit:\n    pass\n"
        "print('numpy' in sys.modules, 'grader.cli' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=course, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"},
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "False True", done.stdout + done.stderr
