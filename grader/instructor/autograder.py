"""What `run_autograder` runs on Gradescope: grade one submission, write results.json.

``python -m grader.instructor.autograder --source DIR --submission DIR --results FILE``. The
submission is staged and graded exactly as `grader grade` does for one student (same checks,
same sandbox), with the seed, visibility and timeout that `grader gradescope` stored in
grader/data/autograder.json. Whatever happens, a results.json is written: a grader failure
becomes a zero score with the reason in `output`, so Gradescope never shows a blank result.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader.course import load_course
from grader.instructor.batch import close_workers, grade
from labkit.files import write_text

STUDENT = "submission"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--submission", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    args = parser.parse_args(argv)
    config = json.loads((args.source / "grader" / "data" / "autograder.json").read_text())
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        work = Path(tmp)
        # The submission folder is named after the student id; link it under a fixed name.
        submission = work / "in" / STUDENT
        submission.parent.mkdir()
        shutil.copytree(args.submission, submission, symlinks=True)
        try:
            course = load_course(args.source)
            grade(course, [submission], work / "out", seed=int(config["seed"]), jobs=1,
                  timeout=float(config["timeout"]), force=True,
                  visibility=str(config["visibility"]))  # fmt: skip
            text = (work / "out" / "feedback" / f"{STUDENT}.json").read_text(encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - always leave Gradescope a results file
            text = json.dumps({
                "score": 0.0,
                "output": f"The autograder failed ({type(exc).__name__}: {exc}). "
                          "Please tell your instructor.",
                "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            }, indent=2)  # fmt: skip
            print(f"run_autograder: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            close_workers()
    write_text(args.results, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
