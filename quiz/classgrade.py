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
from quiz.draw import Item, plan, select
from quiz.exam import ExamError, draw_exam, pass_mark, passed
from quiz.model import Bank, Question
from quiz.results import ANONYMOUS, FORMAT, FORMAT_VERSION, banks_hash
from quiz.runner import read_response
from quiz.scoring import Response, score

SLACK = 1e-9  # claimed and re-scored totals are sums of floats
MAX_BYTES = 10_000_000


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
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            raise ResultsFileError(f"{path} does not exist. Name results files or folders")
    return found


def grade_file(path: Path, banks: Sequence[Bank]) -> Attempt:
    """Re-score one file; raises ResultsFileError when it cannot be read or its bank is unknown."""
    try:
        if path.stat().st_size > MAX_BYTES:  # a quiz writes a few kilobytes
            raise ResultsFileError(f"{path}: larger than {MAX_BYTES} bytes, not a results file")
        # utf-8-sig: a file opened and saved in Notepad starts with a BOM, which json refuses.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"{path}: not a readable results file ({exc})") from None
    except RecursionError:  # [[[[…]]]] nested deeper than the parser goes
        raise ResultsFileError(f"{path}: not a results file (nested too deeply)") from None
    try:
        return _grade(path, data, banks)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, ResultsFileError):
            raise
        raise ResultsFileError(f"{path}: not a quiz results file (missing or bad {exc})") from None


def _grade(path: Path, data: dict, banks: Sequence[Bank]) -> Attempt:
    if data.get("format") != FORMAT:
        raise ResultsFileError(f"{path}: not a quiz results file (no `format: {FORMAT}`)")
    if data.get("format_version") != FORMAT_VERSION:
        raise ResultsFileError(
            f"{path}: results format version {data.get('format_version')!r}; this quiz reads "
            f"version {FORMAT_VERSION}. Grade it with the quiz version that wrote it "
            f"({data.get('quiz_version', 'unknown')})"
        )
    used_ids = [entry["bank"] for entry in data["banks"]]
    used = [  # in the run's order, which seeds the draw
        bank
        for entry in data["banks"]
        if (bank := _version(banks, entry["bank"], entry.get("sha256"))) is not None
    ]
    if len(used) != len(set(used_ids)) or banks_hash(used) != data["bank_hash"]:
        raise ResultsFileError(
            f"{path}: its bank hash {str(data['bank_hash'])[:19]}… matches no bank here "
            "(made with another version of the bank?). Grade it with that bank"
        )
    seed = int(data["seed"])
    limit = data.get("time_limit_minutes")
    attempt = Attempt(
        file=str(path),
        student=str(data.get("student") or ANONYMOUS),
        date=str(data.get("date", "")),
        seed=seed,
        items=[],
        late=0,
        pass_mark=pass_mark(used),
    )
    # Grade the questions the seed and options draw, not the ones the file lists: a question
    # deleted from the file still counts (as not answered), a copied one counts once.
    items = _redraw(path, used, seed, data.get("options") or {})
    entries: dict[tuple[str, str], dict] = {}
    listed = []
    for entry in data["questions"]:
        key = (str(entry["bank"]), str(entry["id"]))
        listed.append(key)
        entries.setdefault(key, entry)
    planned = [(i.question.bank, i.question.id) for i in items]
    changed: list[str] = []
    for item in items:
        q = item.question
        entry = entries.get((q.bank, q.id), {"raw": None, "score": 0})
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
    if listed != planned:
        attempt.flags.append(_plan_flag(listed, planned))
    claimed = float(data.get("score") or 0)
    if abs(claimed - attempt.score) > SLACK or changed:
        attempt.flags.append(
            f"claims {claimed:g} {_points(claimed)}, re-scored {attempt.score:g}"
            + (f" (differs on {', '.join(changed)})" if changed else "")
        )
    return attempt


def _version(banks: Sequence[Bank], bank_id: str, sha256: object) -> Bank | None:
    """The bank with this id, in the version the file names when several are given."""
    same = [b for b in banks if b.id == bank_id]
    return next((b for b in same if b.sha256 == sha256), same[0] if same else None)


def _redraw(path: Path, banks: Sequence[Bank], seed: int, options: dict) -> list[Item]:
    """The items `quiz run` drew for this seed and these options (as `commands.run` does)."""
    tags = [str(t) for t in options.get("tags") or []]
    per_tag = [(str(t), int(n)) for t, n in dict(options.get("count_per_tag") or {}).items()]
    count = options.get("count")
    questions = select([q for b in banks for q in b.questions], tags)
    try:
        drawn = draw_exam(banks, questions, seed, per_tag)
    except ExamError as exc:
        raise ResultsFileError(f"{path}: its options cannot have drawn a quiz ({exc})") from None
    shuffle = bool(options.get("shuffle", True))
    return plan(drawn, seed, shuffle=shuffle, count=None if count is None else int(count))


def _plan_flag(listed: list[tuple[str, str]], planned: list[tuple[str, str]]) -> str:
    missing = [i for b, i in planned if (b, i) not in listed]
    extra = [i for b, i in listed if (b, i) not in planned]
    twice = sorted({i for b, i in listed if listed.count((b, i)) > 1})
    parts = [f"missing {', '.join(missing)}"] if missing else []
    parts += [f"not drawn {', '.join(extra)}"] if extra else []
    parts += [f"listed twice {', '.join(twice)}"] if twice else []
    what = "; ".join(parts) or "in another order"
    return f"its questions are not the ones its seed draws ({what}); graded as drawn"


def _points(value: float) -> str:
    return "point" if value == 1 else "points"


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
