"""Seeded choice of questions, choice order and numeric variants for one attempt."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from quiz.model import Question


@dataclass(frozen=True)
class Item:
    """One question as a student sees it in this attempt."""

    question: Question
    order: tuple[int, ...]  # bank indices of the choices, in the order shown
    params: tuple[tuple[str, float], ...] = ()

    @property
    def variant(self) -> dict[str, float]:
        return dict(self.params)


def _rng(seed: int, *parts: str) -> random.Random:
    # Per-question streams: adding a question to a bank leaves the others' draws unchanged.
    return random.Random(":".join((str(seed), *parts)))


def choice_order(question: Question, rng: random.Random, shuffle: bool) -> tuple[int, ...]:
    """Shuffle the unpinned choices; a `first` pin stays first and a `last` pin stays last."""
    indices = list(range(len(question.choices)))
    if not (shuffle and question.shuffle):
        return tuple(indices)
    pins = {c.pin: i for i, c in enumerate(question.choices) if c.pin}
    free = [i for i in indices if i not in pins.values()]
    rng.shuffle(free)
    first = [pins["first"]] if "first" in pins else []
    last = [pins["last"]] if "last" in pins else []
    return tuple(first + free + last)


def draw_params(question: Question, rng: random.Random) -> tuple[tuple[str, float], ...]:
    return tuple((name, rng.choice(values)) for name, values in question.params)


def plan(
    questions: Sequence[Question],
    seed: int,
    *,
    shuffle: bool = True,
    count: int | None = None,
) -> list[Item]:
    """The attempt for `seed`: same seed and questions, same attempt."""
    chosen = list(questions)
    if shuffle:
        _rng(seed, "questions").shuffle(chosen)
    if count is not None:
        chosen = chosen[:count]
    items = []
    for q in chosen:
        rng = _rng(seed, q.bank, q.id)
        items.append(Item(q, choice_order(q, rng, shuffle), draw_params(q, rng)))
    return items


def select(questions: Sequence[Question], tags: Sequence[str]) -> list[Question]:
    """Questions with any of `tags` (case-insensitive); all of them when no tag is given."""
    if not tags:
        return list(questions)
    wanted = {t.lower() for t in tags}
    return [q for q in questions if wanted & {t.lower() for t in q.tags}]
