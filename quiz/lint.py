"""`quiz validate --lint`: warnings about answers a student can guess without knowing them.

Each check looks for a habit of question writers that test-wise students exploit: the right
choice is the longest one, true/false answers all go one way, or an id (shown in results
files and `quiz list`) names the answer. Warnings never make a bank invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from quiz.model import Bank, NumericAnswer, Question

# Words that make an id read as a claim, which tells a true/false question's answer.
CLAIM_WORDS = frozenset(
    "true false yes no not is are can cannot cant does doesnt do dont equals equal always never "
    "only wrong right correct".split()
)
STOPWORDS = frozenset("the and with from that this what which when into over than".split())
MIN_SINGLES = 3  # below this, "most questions" says nothing


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the word instructors read; never raised
    file: str
    line: int
    question: str | None
    message: str

    def __str__(self) -> str:
        who = f"question {self.question}: " if self.question else ""
        return f"{self.file}:{self.line}:1: warning: {who}{self.message}."


def lint_banks(banks: Iterable[Bank]) -> list[Warning]:
    """Every warning for these (already valid) banks, in file and line order."""
    found: list[Warning] = []
    for bank in banks:
        found += _longest(bank) + _true_false(bank)
        found += [w for q in bank.questions if (w := _id_gives_away(q)) is not None]
    return sorted(found, key=lambda w: (w.file, w.line))


def _longest(bank: Bank) -> list[Warning]:
    singles = [q for q in bank.questions if q.type == "single"]
    longest = [q for q in singles if _right_is_longest(q)]
    if len(singles) < MIN_SINGLES or 2 * len(longest) <= len(singles):
        return []
    ids = ", ".join(q.id for q in longest)
    return [
        Warning(
            bank.file,
            longest[0].line,
            None,
            f"the right choice is the longest in {len(longest)} of {len(singles)} single "
            f"questions ({ids}), so picking the longest choice scores well. Shorten those "
            "right choices or give the wrong ones the same detail",
        )
    ]


def _right_is_longest(q: Question) -> bool:
    right = [len(c.text) for c in q.choices if c.correct]
    wrong = [len(c.text) for c in q.choices if not c.correct]
    return bool(right and wrong) and max(right) > max(wrong)


def _true_false(bank: Bank) -> list[Warning]:
    answers = [q for q in bank.questions if q.type == "true_false"]
    if len(answers) < 2 or len({q.answer for q in answers}) > 1:
        return []
    value = "true" if answers[0].answer else "false"
    return [
        Warning(
            bank.file,
            answers[0].line,
            None,
            f"all {len(answers)} true/false answers are {value}, so answering {value} every "
            f"time scores full marks. Rewrite some statements so that they are "
            f"{'false' if value == 'true' else 'true'}",
        )
    ]


def _words(text: str) -> set[str]:
    """Lowercase words of 4+ letters, with a plural s dropped, for a rough comparison."""
    words = re.findall(r"[a-z]+", text.lower())
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in words if len(w) >= 4}


def _id_gives_away(q: Question) -> Warning | None:
    parts = q.id.split("-")
    reason = ""
    if q.type == "true_false" and CLAIM_WORDS & set(parts):
        reason = "reads as a claim, which gives away whether the statement is true"
    elif q.type in ("single", "multiple"):
        right = set().union(*(_words(c.text) for c in q.choices if c.correct))
        wrong = set().union(*(_words(c.text) for c in q.choices if not c.correct))
        shared = sorted((_words(" ".join(parts)) & right) - wrong - _words(q.prompt) - STOPWORDS)
        if shared:
            listed = ", ".join(f"`{w}`" for w in shared)
            reason = f"shares {listed} with the right choice and with no other"
    elif isinstance(q.answer, NumericAnswer) and q.answer.value is not None:
        digits = f"{q.answer.value:g}".replace(".", "").lstrip("-0")
        if len(digits) >= 2 and digits in q.id.replace("-", ""):
            reason = f"spells out the answer {q.answer.value:g}"
    if not reason:
        return None
    return Warning(
        q.file,
        q.line,
        q.id,
        f"the id {reason}; students see ids in results files and `quiz list`. "
        "Name the topic instead, e.g. `momentum-3`",
    )
