"""The results record an instructor collects, written atomically as JSON."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from labkit.files import atomic_write
from quiz import __version__
from quiz.answers import letter
from quiz.exam import pass_mark, passed
from quiz.model import Bank
from quiz.render import shown_choices
from quiz.runner import Session

FORMAT = "momentum-lab/quiz-results"
FORMAT_VERSION = 1
ANONYMOUS = "anonymous"


def banks_hash(banks: Sequence[Bank]) -> str:
    """One hash over the bank files used, independent of the order they were given in."""
    digest = hashlib.sha256()
    for bank in sorted(banks, key=lambda b: b.id):
        digest.update(f"{bank.id}\0{bank.sha256}\n".encode())
    return "sha256:" + digest.hexdigest()


def _response(answer) -> object:
    response = answer.response
    if isinstance(response, frozenset):  # letters as shown, for reading next to choice_order
        return sorted(letter(answer.item.order.index(i)) for i in response)
    return response


def record(session: Session, banks: Sequence[Bank], options: dict) -> dict:
    """A JSON-ready dict of the attempt: every planned question, answered or not."""
    answered = {id(a.item): a for a in session.answers}
    late = {id(a.item): a for a in session.late}
    questions = []
    for item in session.items:
        q = item.question
        entry: dict = {
            "id": q.id,
            "bank": q.bank,
            "type": q.type,
            "choice_order": list(item.order),  # bank indices (0-based) in the order shown
            "choices_shown": shown_choices(item),
            "params": item.variant,
            "max_score": q.points,
        }
        answer = answered.get(id(item))
        if id(item) in late:  # typed after the time limit: kept, never counted
            entry.update(
                status="late",
                response=None,
                raw=late[id(item)].raw,
                score=0,
                seconds=round(late[id(item)].seconds, 3),
            )
        elif answer is None:
            entry.update(status="not attempted", response=None, raw=None, score=0)
        else:
            chosen = sorted(answer.response) if isinstance(answer.response, frozenset) else None
            entry.update(
                status="correct" if answer.outcome.correct else "incorrect",
                response=_response(answer),
                chosen=chosen,  # bank indices of the chosen choices
                raw=answer.raw,
                score=answer.outcome.score,
                seconds=round(answer.seconds, 3),
            )
        questions.append(entry)
    score = sum(a.outcome.score for a in session.answers)
    max_score = sum(i.question.points for i in session.items)
    mark = pass_mark(banks)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "quiz_version": __version__,
        "date": session.started.isoformat(timespec="seconds"),
        "finished": session.finished.isoformat(timespec="seconds") if session.finished else None,
        "status": session.status,
        "student": session.student,
        "seed": session.seed,
        "time_limit_minutes": session.time_limit,
        "late_answers_not_counted": len(session.late),
        "options": options,
        "banks": [
            {"bank": b.id, "title": b.title, "file": b.file, "sha256": b.sha256} for b in banks
        ],
        "bank_hash": banks_hash(banks),
        "score": score,
        "max_score": max_score,
        "pass_mark": mark,
        "passed": passed(score, max_score, mark),
        "answered": len(session.answers),
        "questions": questions,
    }


def write_atomic(path: Path, data: dict) -> None:
    """Write JSON so that readers see the old file or the new one, never half of one."""
    with atomic_write(path) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
