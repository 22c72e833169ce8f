"""The cost of isolation: worker start-up, one submission's sandbox run, and `grader grade`
throughput, with and without the bubblewrap backend, side by side in one run.

    python bench/bench_isolation.py [--students 100] [--repeat 3] [--starts 20] [--jobs N]

Prints medians and ratios:
- worker start: one trivial call, end to end (start, import, answer, exit), fresh process and
  forked from the fork server, for `none` and `bwrap`; the difference is what isolation adds;
- a `grader check`-sized run: every case of the course in a fresh worker (what `grader check`
  does per run), both backends;
- `grader grade` on generated submissions (bench_batch's mix), `--isolation none` against
  `--isolation required`, submissions per second.
Goals (issue 9): at most 30 ms added per worker start; at least 20 submissions/s on two cores.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_batch import generate, grade_command, time_grade  # noqa: E402

from grader.course import load_course  # noqa: E402
from grader.judge import cases  # noqa: E402
from grader.sandbox import isolation  # noqa: E402
from grader.sandbox.process import run_calls  # noqa: E402
from grader.sandbox.zygote import Zygote  # noqa: E402


def timed(run, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append(time.perf_counter() - started)
    return out


def line(label: str, none: list[float], boxed: list[float], unit: float = 1000.0) -> None:
    a, b = statistics.median(none), statistics.median(boxed)
    print(f"{label:<34} none {a * unit:8.1f} ms   bwrap {b * unit:8.1f} ms   "
          f"added {(b - a) * unit:+7.1f} ms   ratio {b / a:5.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--starts", type=int, default=20, help="worker starts to time")
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    boxed = isolation.choose("required")
    if boxed.backend != "bwrap":
        raise SystemExit(f"bubblewrap is needed for this benchmark ({boxed.describe()})")
    none = isolation.Isolation("none")
    course = load_course(REPO)
    everything = [c.call() for c in cases.build(course.exercises, 11)]
    one = everything[:1]
    folder = REPO / "solutions"
    print(f"{os.cpu_count()} cores; medians of {args.starts} runs; {boxed.describe()}")

    fresh = {iso.backend: iso.launcher() for iso in (none, boxed)}

    def runs(calls, launcher):  # type: ignore[no-untyped-def]
        return timed(lambda: run_calls(calls, folder, 5.0, launcher=launcher), args.starts)

    line("worker start, fresh process", runs(one, fresh["none"]), runs(one, fresh["bwrap"]))
    with Zygote(none) as plain, Zygote(boxed) as sandboxed:
        run_calls(one, folder, 5.0, launcher=plain)  # both servers warm
        run_calls(one, folder, 5.0, launcher=sandboxed)
        line("worker start, from the fork server", runs(one, plain), runs(one, sandboxed))
    line(f"grader check's sandbox ({len(everything)} calls)",
         runs(everything, fresh["none"]), runs(everything, fresh["bwrap"]))  # fmt: skip

    command = grade_command()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    with tempfile.TemporaryDirectory(prefix="bench-isolation-") as tmp:
        root = Path(tmp)
        subs = root / "subs"
        generate(subs, args.students, 0.0, random.Random(1))
        rates = {}
        for mode in ("none", "required"):
            flags = [*jobs, "--isolation", mode, "--force"]
            times = [time_grade(command, subs, root / "out", flags) for _ in range(args.repeat)]
            rates[mode] = args.students / statistics.median(times)
        print(f"grader grade, {args.students} submissions: none {rates['none']:.1f}/s, "
              f"bwrap {rates['required']:.1f}/s, ratio {rates['required'] / rates['none']:.2f}; "
              f"goal >= 20/s: {'met' if rates['required'] >= 20 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    main()
