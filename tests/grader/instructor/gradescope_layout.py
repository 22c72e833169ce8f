"""A Gradescope-style /autograder tree in a temporary folder, and the interpreters to run it."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import REPO

STATUSES = {"passed", "failed"}
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
SOLUTIONS = REPO / "solutions"


def build_bundle(out: Path) -> Path:
    """`grader gradescope` run as an instructor would (seed 42, after_due_date)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "grader", "gradescope", str(out), "--seed", "42",
         "--visibility", "after_due_date"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def unpack(bundle: Path, source: Path) -> Path:
    """The bundle unzipped as Gradescope does, execute bits kept."""
    with zipfile.ZipFile(bundle) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, source))
            mode = info.external_attr >> 16
            if mode:
                path.chmod(mode & 0o777)
    return source


def submit(folder: Path, files: dict[str, str | bytes]) -> Path:
    """A submission folder holding `files` (name -> text or bytes); names may have folders."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def zipped(files: dict[str, str]) -> bytes:
    """A zip archive of `files` (name -> text), as bytes."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def solutions(prefix: str = "") -> dict[str, str]:
    return {prefix + p.name: p.read_text(encoding="utf-8") for p in SOLUTIONS.glob("*.py")}


def run_autograder(source: Path, submission: Path, results: Path,
                   env: dict[str, str] | None = None) -> tuple[dict, str]:  # fmt: skip
    """Run the bundle's run_autograder; (results.json, stderr). It must always exit 0."""
    full = {**os.environ, "AUTOGRADER_SOURCE": str(source),
            "AUTOGRADER_SUBMISSION": str(submission), "AUTOGRADER_RESULTS": str(results),
            **(env or {})}  # fmt: skip
    full.pop("PYTHONPATH", None)  # the bundle's own grader, not the repo's
    bash = shutil.which("bash") or "/bin/bash"
    done = subprocess.run([bash, str(source / "run_autograder")], env=full,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads((results / "results.json").read_text(encoding="utf-8"))
    validate(data)
    return data, done.stderr


def validate(data: dict) -> None:
    """The fields Gradescope reads, with their types and allowed values."""
    assert isinstance(data["score"], int | float)
    assert isinstance(data["output"], str)
    assert data.get("visibility", "visible") in VISIBILITIES
    for test in data["tests"]:
        assert isinstance(test["score"], int | float) and isinstance(test["max_score"], int | float)
        assert 0 <= test["score"] <= test["max_score"]
        assert test["status"] in STATUSES and test["visibility"] in VISIBILITIES
        assert test["output_format"] in {"text", "html", "simple_format", "md", "ansi"}
        assert isinstance(test["name"], str) and test["name"]
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-9


def points(*files: str) -> float:
    """The course's points for the exercises in these files (all files when none are named)."""
    from grader.course import load_course

    course = load_course(REPO)
    return sum(ex.points for ex in course.exercises if not files or ex.file in files)


def python(version: str) -> str:
    """Python `version` ("3.10": Gradescope's default image; "3.12": Ubuntu 24.04): this one if
    it is that version, else pyenv's build.

    The machine image (and so CI) has pyenv builds of 3.10 to 3.13. On Linux a missing one is
    an installation problem and fails; elsewhere (no such image) the test is skipped."""
    if "{}.{}".format(*sys.version_info[:2]) == version:
        return sys.executable
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    pyenv = shutil.which("pyenv")
    if pyenv:
        done = subprocess.run([pyenv, "root"], capture_output=True, text=True)
        roots.insert(0, done.stdout.strip())
    name = f"python{version}"
    for root in filter(None, roots):
        found = glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", name))
        if found:
            return max(found, key=lambda p: [int(x) for x in re.findall(r"\d+", Path(p).parts[-3])])
    found = shutil.which(name)
    if found and "shims" not in Path(found).parts:
        return found
    message = (
        f"Python {version} was not found: looked in {', '.join(filter(None, roots))} "
        f"(versions/{version}.*) and on PATH. Install it (`pyenv install {version}`) to run the "
        "Gradescope end-to-end test"
    )
    if sys.platform != "linux":
        pytest.skip(message)
    raise AssertionError(message)
