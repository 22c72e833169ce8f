"""Re-score a class's results files against the banks; the scores written in them are ignored.

Each answer is re-read from what the student typed (`raw`), for the question, choice order and
numbers that the file's seed draws, so editing `score`, `chosen` or `params` changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quiz.answers import InvalidAnswer
from quiz.draw import Item, plan
from quiz.exam import pass_mark, passed
from quiz.model import Bank, Question
from quiz.results import ANONYMOUS, FORMAT, banks_hash
from quiz.runner import read_response
from quiz.scoring import Response, score

SLACK = 1e-9  # claimed and re-scored totals are sums of floats


class ResultsFileError(ValueError):
    """A results file that cannot be graded; the message names the file and says why."""


@dataclass(frozen=True)
class Graded:
    """One question of one attempt, re-scored."""

    question: Question
    asked: bool  # planned for the student (answered or not)
    response: Response | None  # None when not answered, late, or unreadable
    score: float


@dataclass
class Attempt:
    file: str
    student: str
    date: str
    seed: int
    items: list[Graded]
    late: int  # answers after the time limit, not counted
    flags: list[str] = field(default_factory=list)
    pass_mark: float | None = None

    @property
    def score(self) -> float:
        return sum(g.score for g in self.items)

    @property
    def max_score(self) -> float:
        return sum(g.question.points for g in self.items)

    @property
    def answered(self) -> int:
        return sum(g.response is not None for g in self.items)

    @property
    def passed(self) -> bool | None:
        return passed(self.score, self.max_score, self.pass_mark)


def results_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the `*.json` files directly inside the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.glob("*.json") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise ResultsFileError(f"{path} does not exist. Name results files or folders")
    return found


def grade_file(path: Path, banks: Sequence[Bank]) -> Attempt:
    """Re-score one file; raises ResultsFileError when it cannot be read or its bank is unknown."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"{path}: not a readable results file ({exc})") from None
    try:
        return _grade(path, data, banks)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, ResultsFileError):
            raise
        raise ResultsFileError(f"{path}: not a quiz results file (missing or bad {exc})") from None


def _grade(path: Path, data: dict, banks: Sequence[Bank]) -> Attempt:
    if data.get("format") != FORMAT:
        raise ResultsFileError(f"{path}: not a quiz results file (no `format: {FORMAT}`)")
    used_ids = {entry["bank"] for entry in data["banks"]}
    used = [b for b in banks if b.id in used_ids]
    if len(used) != len(used_ids) or banks_hash(used) != data["bank_hash"]:
        raise ResultsFileError(
            f"{path}: its bank hash {str(data['bank_hash'])[:19]}… matches no bank here "
            "(made with another version of the bank?). Grade it with that bank"
        )
    seed = int(data["seed"])
    shuffle = bool(data.get("options", {}).get("shuffle", True))
    limit = data.get("time_limit_minutes")
    by_id = {(q.bank, q.id): q for b in used for q in b.questions}
    attempt = Attempt(
        file=str(path),
        student=str(data.get("student") or ANONYMOUS),
        date=str(data.get("date", "")),
        seed=seed,
        items=[],
        late=0,
        pass_mark=pass_mark(used),
    )
    changed: list[str] = []
    for entry in data["questions"]:
        q = by_id[(entry["bank"], entry["id"])]
        item = plan([q], seed, shuffle=shuffle)[0]
        if list(item.order) != list(entry.get("choice_order", item.order)) or (
            dict(item.params) != dict(entry.get("params") or {})
        ):
            changed.append(q.id)
        late = entry.get("status") == "late" or (
            limit is not None and float(entry.get("seconds") or 0) > 60 * float(limit)
        )
        attempt.late += late
        response = None if late else _reread(item, entry.get("raw"))
        points = 0.0 if response is None else score(q, response, item.variant).score
        attempt.items.append(Graded(q, True, response, points))
        claimed = float(entry.get("score") or 0)
        if abs(claimed - points) > SLACK and q.id not in changed:
            changed.append(q.id)
    claimed = float(data.get("score") or 0)
    if abs(claimed - attempt.score) > SLACK or changed:
        attempt.flags.append(
            f"claims {claimed:g} points, re-scored {attempt.score:g}"
            + (f" (differs on {', '.join(changed)})" if changed else "")
        )
    return attempt


def _reread(item: Item, raw: object) -> Response | None:
    if not isinstance(raw, str):
        return None
    try:
        return read_response(item, raw)
    except InvalidAnswer:
        return None  # the quiz never accepts such a line: the file was edited


def grade_all(paths: Iterable[Path], banks: Sequence[Bank]) -> tuple[list[Attempt], list[str]]:
    """Every attempt that could be graded, and one message per file that was skipped."""
    attempts, skipped = [], []
    for path in results_files(paths):
        try:
            attempts.append(grade_file(path, banks))
        except ResultsFileError as exc:
            skipped.append(str(exc))
    return attempts, skipped
