"""`grader gradescope`: a Gradescope autograder zip built from the student edition.

The zip's root holds `setup.sh` (makes /autograder/venv with numpy, pytest, PyYAML and, on
Python 3.10, tomli; Ubuntu 22.04 or 24.04) and `run_autograder` (grades /autograder/submission
into /autograder/results/results.json, always writing one), beside the student edition of the
course (`release.py`): the grader, its hidden checks and reference outputs recorded for the one
seed every submission is graded with. No solution source.
"""

from __future__ import annotations

import json
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from grader.course import Course
from grader.instructor.release import TEMPLATES, release
from grader.instructor.submissions import InstructorError
from labkit.files import atomic_write

CONFIG = Path("grader") / "data" / "autograder.json"
ENTRY_POINTS = ("setup.sh", "run_autograder")


@dataclass(frozen=True)
class Bundle:
    out: Path
    seed: int
    visibility: str
    files: int

    def __str__(self) -> str:
        return (
            f"Wrote the Gradescope autograder {self.out} ({self.files} files; seed {self.seed}, "
            f"test visibility {self.visibility}). Upload it as the assignment's autograder "
            "(Configure Autograder > Zip file upload)."
        )


def bundle(course: Course, out: Path, *, seed: int, visibility: str = "after_published",
           timeout: float = 5.0, allow_modified_stubs: bool = False) -> Bundle:  # fmt: skip
    if out.suffix.lower() != ".zip":
        raise InstructorError(f"{out}: the autograder must be a .zip file")
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as tmp:
        source = Path(tmp) / "source"
        # No Classroom workflow in a Gradescope bundle, so fractional points are fine here.
        release(
            course, source, seeds=[seed], allow_modified_stubs=allow_modified_stubs, classroom=False
        )
        config = {"seed": seed, "visibility": visibility, "timeout": timeout}
        (source / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        for name in ENTRY_POINTS:
            target = source / name
            target.write_bytes((TEMPLATES / name).read_bytes())
            target.chmod(0o755)
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(out, "wb") as handle:
            files = _zip(source, handle)
    return Bundle(out, seed, visibility, files)


def _zip(folder: Path, archive: IO[bytes]) -> int:
    count = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            info = zipfile.ZipInfo.from_file(path, path.relative_to(folder).as_posix())
            mode = 0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
            count += 1
    return count
