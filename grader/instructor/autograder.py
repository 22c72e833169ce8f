"""What `run_autograder` runs on Gradescope: grade one submission, write results.json.

``python -m grader.instructor.autograder --source DIR --submission DIR --results FILE``. The
upload is arranged into one submission (`arrange.py`: misnamed files, a zip left packed), then
graded exactly as `grader grade` does for one student (same checks, same sandbox), with the
seed, visibility and timeout that `grader gradescope` stored in grader/data/autograder.json.
Whatever happens here, a results.json is written (by `grader.results.gradescope`, the one
builder): a grader failure becomes a zero with the reason in `output`. When this module cannot
even be imported, run_autograder's own fallback writes it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grader.course import load_course
from grader.instructor.arrange import arrange
from grader.instructor.batch import close_workers, grade
from grader.instructor.submissions import SubmissionError
from grader.results import RunResult, gradescope
from labkit.files import write_text

CONFIG = Path("grader") / "data" / "autograder.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_autograder")
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--submission", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    args = parser.parse_args(argv)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="autograder-") as tmp:
        try:
            config = json.loads((args.source / CONFIG).read_text(encoding="utf-8"))
            data = grade_one(args.source, args.submission, config, Path(tmp))
        except SubmissionError as exc:
            data = _zero(config, f"Your submission could not be graded: {exc}.")
        except Exception as exc:  # noqa: BLE001 - always leave Gradescope a results file
            traceback.print_exc()  # Gradescope shows stderr to the instructor
            data = _zero(
                config,
                f"The autograder failed ({type(exc).__name__}: {exc}), so this score of 0 is "
                "not your grade. Please tell your instructor.",
            )
    write_text(args.results, json.dumps(data, indent=2) + "\n")
    return 0


def grade_one(source: Path, submission: Path, config: dict[str, Any], work: Path) -> dict:
    """results.json for one upload, with what was renamed or unpacked told first."""
    course = load_course(source)
    arranged = arrange(submission, course, work / "in")
    try:
        batch = grade(course, [arranged.folder], work / "out", seed=int(config["seed"]), jobs=1,
                      timeout=float(config["timeout"]), force=True,
                      visibility=str(config["visibility"]))  # fmt: skip
    finally:
        close_workers()
    if len(batch.rows) != 1:
        raise RuntimeError(f"expected one submission, graded {len(batch.rows)}")
    feedback = work / "out" / "feedback" / f"{batch.rows[0].student}.json"
    data = json.loads(feedback.read_text(encoding="utf-8"))
    if arranged.notes:
        data["output"] = "\n".join(arranged.notes) + "\n\n" + data["output"]
    return data


def _zero(config: dict[str, Any], message: str) -> dict:
    seed = config.get("seed")
    run = RunResult(seed if isinstance(seed, int) else 0, ())
    return gradescope(run, "visible", output=message)


if __name__ == "__main__":
    sys.exit(main())
