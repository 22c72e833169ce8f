"""Batch grading speed: `grader grade` on 200 generated submissions vs `grader check` one by one.

    python bench/bench_batch.py [--students 200] [--repeat 3] [--sample 12] [--jobs N]

Submissions are a mix of correct (60%), known-wrong (30%, from known_wrong/) and crashing (10%:
raises, exits, syntax error). Prints the median submissions per second of `grader grade`, the
median seconds of one `grader check` (on a sample, run as a student would: a fresh process
each) and their ratio. A second run adds 5% looping submissions (a busy `while True`) with
--timeout 1 and prints the extra seconds each looping submission cost, to set against its
timeout. Goal on a 2-core machine: at least 20 submissions per second.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from grader.course import load_course  # noqa: E402
from grader.instructor.known_wrong import build_submission, discover  # noqa: E402

CRASHES = {
    "raises": "\ndef momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n"
    "    raise RuntimeError('oops')\n",
    "exits": "\nimport sys\ndef optimize(grad_fn, theta0, lr=0.1, steps=30, momentum=False, "
    "beta=0.9):\n    sys.exit(3)\n",
    "syntax": "\ndef nesterov_step(:\n",
}
LOOP = "\ndef nesterov_step(theta, velocity, grad_fn, lr=0.1, beta=0.9):\n    while True:\n" \
    "        pass\n"  # fmt: skip


def generate(root: Path, count: int, loop_share: float, rng: random.Random) -> dict[str, int]:
    course = load_course(REPO)
    wrongs = discover(course)
    kinds = {"correct": 0, "wrong": 0, "crash": 0, "loop": 0}
    loops = round(count * loop_share)
    for i in range(count):
        folder = root / f"student{i:03d}"
        if i < loops:
            kind = "loop"
        else:
            kind = rng.choices(["correct", "wrong", "crash"], [6, 3, 1])[0]
        kinds[kind] += 1
        if kind == "wrong":
            build_submission(course, rng.choice(wrongs), folder)
            continue
        shutil.copytree(REPO / "solutions", folder / "exercises",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        if kind == "crash":
            name, extra = rng.choice(sorted(CRASHES.items()))
            target = "nesterov.py" if name == "syntax" else "momentum.py"
        elif kind == "loop":
            target, extra = "nesterov.py", LOOP
        else:
            continue
        path = folder / "exercises" / target
        path.write_text(path.read_text() + extra)
    return kinds


def grade_command() -> list[str]:
    """`grader grade` once it is wired into the CLI, else the instructor module directly."""
    probe = subprocess.run([sys.executable, "-m", "grader", "grade", "--help"], cwd=REPO,
                           capture_output=True, env=_env())  # fmt: skip
    if probe.returncode == 0:
        return [sys.executable, "-m", "grader", "grade"]
    return [sys.executable, "-m", "grader", "grade"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}


def time_grade(command: list[str], subs: Path, out: Path, extra: list[str]) -> float:
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([*command, str(subs), "--out", str(out), "--seed", "11", *extra],
                          cwd=REPO, env=_env(), capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grader grade failed:\n{done.stderr}")
    return seconds


def time_check(folder: Path, timeout: str) -> float:
    course = folder.parent / (folder.name + "-course")
    if not course.exists():
        shutil.copytree(folder, course)
        shutil.copytree(REPO / "solutions", course / "solutions")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "check", "--path", str(course), "--seed", "11",
                    "--timeout", timeout], cwd=REPO, env=_env(), capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=12, help="grader check runs to time")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    command = grade_command()
    print(f"{os.cpu_count()} cores; {' '.join(command[1:])}; {args.students} submissions")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        subs = root / "plain"
        kinds = generate(subs, args.students, 0.0, random.Random(1))
        print(f"mix: {kinds}")
        times = [time_grade(command, subs, root / "out", jobs) for _ in range(args.repeat)]
        batch = statistics.median(times)
        rate = args.students / batch
        print(f"grader grade: median {batch:.2f} s for {args.students} "
              f"({', '.join(f'{t:.2f}' for t in times)}) = {rate:.1f} submissions/s")  # fmt: skip
        sample = sorted(subs.iterdir())[: args.sample]
        checks = [time_check(folder, "5") for folder in sample]
        one = statistics.median(checks)
        print(f"grader check one by one: median {one:.3f} s per submission over {len(sample)} "
              f"= {1 / one:.1f} submissions/s")  # fmt: skip
        print(f"ratio: grader grade is {one * rate:.1f}x faster than grader check one by one")
        print(f"goal >= 20/s: {'met' if rate >= 20 else 'NOT met'}")

        loops = root / "loops"
        kinds = generate(loops, args.students, 0.05, random.Random(1))
        print(f"\nwith looping submissions, --timeout 1: mix {kinds}")
        base = [time_grade(command, subs, root / "out", [*jobs, "--timeout", "1"])
                for _ in range(args.repeat)]  # fmt: skip
        looped = [time_grade(command, loops, root / "out", [*jobs, "--timeout", "1"])
                  for _ in range(args.repeat)]  # fmt: skip
        extra = (statistics.median(looped) - statistics.median(base)) / kinds["loop"]
        print(
            f"without loops: median {statistics.median(base):.2f} s; with "
            f"{kinds['loop']} looping: median {statistics.median(looped):.2f} s"
        )
        print(f"extra wall time per looping submission: {extra:.2f} s (timeout 1 s): "
              f"{'within' if extra <= 1.0 else 'OVER'} its timeout")  # fmt: skip


if __name__ == "__main__":
    main()
