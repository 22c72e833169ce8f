"""The bundle's setup.sh and run_autograder end to end on Python 3.10, Gradescope's default
(Ubuntu 22.04), and once on 3.12 (Ubuntu 24.04).

setup.sh runs for real on a temporary /autograder layout: it makes the venv from that Python
and pip-installs the grading requirements from the package index, as Gradescope's build does
(pip's cache keeps a rerun quick; PIP_FIND_LINKS/PIP_NO_INDEX would point it at a wheelhouse).
Then run_autograder grades with that venv.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gradescope_layout import (
    build_bundle,
    points,
    python,
    run_autograder,
    solutions,
    submit,
    unpack,
    zipped,
)

from helpers import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SETUP = REPO / "grader" / "templates" / "setup.sh"
NOT_ON_WINDOWS = pytest.mark.platform("Gradescope's scripts are bash on Linux")


def fake_apt_get(folder: Path, log: Path, then: str = "exit 1") -> Path:
    """An apt-get on PATH that logs its arguments, then runs `then`."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "apt-get"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n{then}\n', encoding="utf-8")
    script.chmod(0o755)
    return folder


def setup(root: Path, base_python: str, env: dict[str, str] | None = None,
          ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    full = {**os.environ, "AUTOGRADER_DIR": str(root), "AUTOGRADER_BASE_PYTHON": base_python,
            **(env or {})}  # fmt: skip
    full.pop("PYTHONPATH", None)
    return subprocess.run([shutil.which("bash") or "/bin/bash", str(root / "source" / "setup.sh")],
                          env=full, capture_output=True, text=True, timeout=600)  # fmt: skip


def build(base: Path, version: str) -> Path:
    """/autograder after Gradescope's build on Python `version`: source/ unpacked, venv/ made
    by setup.sh."""
    bundle = build_bundle(base / "autograder.zip")
    root = base / "autograder"
    unpack(bundle, root / "source")
    log = base / "apt.log"
    # A working Python has ensurepip, so apt-get must not be needed (it would fail here).
    path = f"{fake_apt_get(base / 'bin', log)}{os.pathsep}{os.environ['PATH']}"
    done = setup(root, python(version), {"PATH": path})
    assert done.returncode == 0, done.stdout + done.stderr
    assert not log.exists()
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Gradescope's default image: Ubuntu 22.04, Python 3.10."""
    return build(tmp_path_factory.mktemp("autograder310"), "3.10")


def grade(root: Path, tmp_path: Path, files: dict, source: Path | None = None) -> dict:
    env = {"AUTOGRADER_DIR": str(root)}  # AUTOGRADER_PYTHON defaults to the venv setup.sh made
    data, _ = run_autograder(source or root / "source", submit(tmp_path / "submission", files),
                             tmp_path / "results", env)  # fmt: skip
    return data


@NOT_ON_WINDOWS
def test_setup_makes_a_python_310_venv(root: Path) -> None:
    done = subprocess.run([str(root / "venv" / "bin" / "python"), "-c",
                           "import sys, numpy, pytest, yaml, tomli; print(sys.version_info[:2])"],
                          capture_output=True, text=True)  # fmt: skip
    assert done.stdout.strip() == "(3, 10)", done.stderr


@NOT_ON_WINDOWS
def test_full_marks_for_the_solutions_on_310(root: Path, tmp_path: Path) -> None:
    data = grade(root, tmp_path, solutions())
    assert data["score"] == points() and {t["status"] for t in data["tests"]} == {"passed"}


@NOT_ON_WINDOWS
def test_full_marks_on_312_as_on_ubuntu_2404(tmp_path: Path) -> None:
    root = build(tmp_path / "gs", "3.12")
    version = subprocess.run([str(root / "venv" / "bin" / "python"), "-c",
                              "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True)  # fmt: skip
    assert version.stdout.strip() == "(3, 12)"
    assert grade(root, tmp_path, solutions())["score"] == points()


@NOT_ON_WINDOWS
def test_a_single_misnamed_file_on_310(root: Path, tmp_path: Path) -> None:
    text = (REPO / "solutions" / "momentum.py").read_text(encoding="utf-8")
    data = grade(root, tmp_path, {"momentum (1).py": text})
    assert data["score"] == points("momentum.py") > 0


@NOT_ON_WINDOWS
def test_a_zip_on_310(root: Path, tmp_path: Path) -> None:
    data = grade(root, tmp_path, {"submission.zip": zipped(solutions("momentum-lab/exercises/"))})
    assert data["score"] == points()


@NOT_ON_WINDOWS
def test_a_grader_that_cannot_start_on_310(root: Path, tmp_path: Path) -> None:
    broken = tmp_path / "source"
    shutil.copytree(root / "source", broken)
    (broken / "grader" / "course.py").write_text("raise ImportError('broken on purpose')\n")
    data = grade(root, tmp_path, solutions(), source=broken)
    assert data["score"] == 0 and data["tests"] == []
    assert "ImportError: broken on purpose" in data["output"]


@NOT_ON_WINDOWS
def test_setup_installs_python3_venv_when_ensurepip_is_missing(tmp_path: Path) -> None:
    # Ubuntu's python3 without python3-venv: `-m venv --help` works, `import ensurepip` fails.
    # Here a Python that lacks ensurepip until the fake apt-get has "installed" it.
    installed = tmp_path / "installed"
    python = tmp_path / "python3"
    python.write_text(
        "#!/bin/sh\n"
        f'if [ ! -e "{installed}" ] && [ "$1" = "-c" ] && [ "$2" = "import ensurepip" ]; then\n'
        "    exit 1\nfi\n"
        f'exec "{sys.executable}" "$@"\n',
        encoding="utf-8",
    )  # fmt: skip
    python.chmod(0o755)
    log = tmp_path / "apt.log"
    bin_dir = fake_apt_get(tmp_path / "bin", log, then=f'touch "{installed}"')
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    shutil.copy(SETUP, root / "source" / "setup.sh")
    # Stop right after the interpreter checks: the venv's folder cannot be made.
    (root / "blocked").write_text("")
    path = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    done = setup(root, str(python), {"PATH": path, "AUTOGRADER_VENV": str(root / "blocked" / "v")})
    calls = log.read_text().splitlines()
    assert calls[0].startswith("update"), calls
    assert "install" in calls[1] and "python3-venv" in calls[1].split(), calls
    assert done.returncode != 0  # the blocked venv, after apt-get
    assert "installing python3 and python3-venv" in done.stdout


def test_setup_refuses_a_python_older_than_310() -> None:
    # setup.sh's own check, run on this interpreter as it is and as if it were 3.9.
    check = re.search(r"-c '(import sys; sys\.exit.*?)'\n", SETUP.read_text(), re.S)
    assert check, "setup.sh has no version check"
    ok = subprocess.run([sys.executable, "-c", check.group(1)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    old = "import sys; sys.version_info = (3, 9, 18); sys.version = '3.9.18 (main)'\n"
    done = subprocess.run([sys.executable, "-c", old + check.group(1)], capture_output=True,
                          text=True)  # fmt: skip
    assert done.returncode == 1
    assert "needs Python 3.10 or newer, found 3.9.18" in done.stderr
    assert "Ubuntu 22.04" in done.stderr


def test_setup_installs_what_pyproject_needs_except_plotting() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {d.replace(" ", "") for d in pyproject["project"]["dependencies"]}
    wanted = {d for d in wanted if not d.lower().startswith("matplotlib")}
    script = SETUP.read_text(encoding="utf-8")
    install = script[script.index("pip install") :]
    found = {r.replace(" ", "") for r in re.findall(r'^\s+"([^"]+)"', install, re.M)}
    assert found == wanted
