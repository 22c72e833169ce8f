"""How long does `grader check` take, compared with the cheapest pytest run there is, and
with the POSIX layer switched off (the portable backend Windows and macOS use)?

Runs, alternately and side by side in one process tree, `grader check` on a course whose
exercises are the reference solutions (with the POSIX layer, and with MOMENTUM_LAB_PORTABLE=1)
and a bare `pytest` run of a one-assert test, in the same Python environment, and prints the
medians and the median of the per-round ratios. Machines here are shared and noisy: trust the
ratio, not the seconds. On Linux with autogroup scheduling (/proc/sys/kernel/sched_autogroup_
enabled), a POSIX worker, in its own session, also gets its own share of a busy CPU; the portable
one shares the grader's, so on a loaded machine it is slower for that reason alone.

    python bench/bench_check.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(argv: list[str], cwd: Path, env: dict[str, str], expect: int) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != expect:
        sys.exit(f"bench: {' '.join(argv)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    # As on a student's machine, compiled bytecode is cached after the first run (pip already
    # compiled pytest's); some sandboxes set this variable, which would recompile the grader's
    # modules on every run of it and of nothing else.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(REPO / "solutions", course / "exercises")
        shutil.copytree(REPO / "solutions", course / "solutions")
        bare = Path(tmp) / "bare"
        bare.mkdir()
        (bare / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
        check = [sys.executable, "-m", "grader", "check", "--path", str(course)]
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"]
        # The stricter baseline: pytest without the environment's third-party plugins, which is
        # how the grader itself runs pytest.
        lean = {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        portable = {**env, "MOMENTUM_LAB_PORTABLE": "1"}
        runs = {
            "grader": (check, course, env),
            "portable": (check, course, portable),
            "pytest": (pytest, bare, env),
            "lean": (pytest, bare, lean),
        }
        for argv, cwd, e in runs.values():
            timed(argv, cwd, e, 0)  # warm the file cache
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, (argv, cwd, e) in runs.items():
                times[name].append(timed(argv, cwd, e, 0))
    med = {k: statistics.median(v) for k, v in times.items()}

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

    print(f"rounds: {args.rounds}, alternating, same environment ({sys.executable})")
    print(f"grader check, the whole course ({_size()}): median {med['grader']:.3f} s")
    print(f"grader check, POSIX layer off (portable):     median {med['portable']:.3f} s")
    print(f"bare pytest, one assert:                      median {med['pytest']:.3f} s")
    print(f"bare pytest, one assert, no plugin autoload:  median {med['lean']:.3f} s")
    print(f"median ratio grader / bare pytest:            {ratio('grader', 'pytest'):.2f}x"
          "  (goal: at most 1.5x)")  # fmt: skip
    print(f"median ratio grader / bare pytest, no plugins: {ratio('grader', 'lean'):.2f}x")
    print(f"median ratio portable / POSIX grader check:   {ratio('portable', 'grader'):.2f}x")


def _size() -> str:
    """The course's size as the grader counts it, so the label never goes stale."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from grader.course import load_course

    course = load_course(Path(__file__).resolve().parents[1])
    checks = sum(
        p.read_text(encoding="utf-8").count("\ndef test_")
        for p in (Path(__file__).resolve().parents[1] / "grader" / "checks").glob("check_*.py")
    )
    return f"{len(course.exercises)} exercises / {checks} checks"


if __name__ == "__main__":
    main()
