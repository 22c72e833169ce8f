"""The validated shape of a question bank, as frozen dataclasses, and the error it raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quiz.expr import Expr

QUESTION_TYPES = ("single", "multiple", "true_false", "numeric")
SCORING_MODES = ("all_or_nothing", "partial")
PINS = ("first", "last")
# An expr value this close to 0 is float rounding of a zero answer (course numbers are ~0.01–100).
ROUNDING_ZERO = 1e-12


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank, located in its file."""

    file: str
    line: int
    col: int
    question: str | None  # the question's id, `#3` when it has none, None outside questions
    message: str  # "what is wrong. what to do"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}: "
        if self.question is not None:
            where += f"question {self.question}: "
        return where + self.message + ("" if self.message.endswith((".", "?")) else ".")


class BankError(Exception):
    """Raised with every problem found, so an instructor can fix them all in one go."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col))
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the question bank")


@dataclass(frozen=True)
class Choice:
    text: str
    correct: bool = False
    feedback: str | None = None
    pin: str | None = None  # "first" | "last": kept in place when choices are shuffled


@dataclass(frozen=True)
class NumericAnswer:
    tolerance: float
    value: float | None = None
    expr: Expr | None = None
    # Relative slack, set when `tolerance` is omitted and the answer has no short decimal
    # form (1/3): an answer right to 3 significant digits (0.333) then counts.
    relative: float = 0.0

    def correct_value(self, params: dict[str, float]) -> float:
        if self.expr is not None:
            value = self.expr.evaluate(params)
            # `(1 - 0.9)*g - 0.1*g` is -1.4e-17 in floats: a zero answer must be 0, or a
            # student typing 0 is marked wrong and shown "-1.387778781e-17".
            return 0.0 if abs(value) < ROUNDING_ZERO else value
        assert self.value is not None
        return self.value


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    bank: str
    file: str
    line: int
    choices: tuple[Choice, ...] = ()
    shuffle: bool = True
    scoring: str = "all_or_nothing"
    answer: bool | NumericAnswer | None = None  # true_false: bool; numeric: NumericAnswer
    feedback: str | None = None  # true_false / numeric: shown after a wrong answer
    params: tuple[tuple[str, tuple[float, ...]], ...] = ()
    explanation: str | None = None
    points: float = 1
    tags: tuple[str, ...] = ()

    @property
    def correct_indices(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.correct)


@dataclass(frozen=True)
class Bank:
    id: str
    title: str
    file: str
    sha256: str  # of the file's bytes, so results name exactly the bank that was used
    questions: tuple[Question, ...] = field(default_factory=tuple)
    draft: bool = False  # left out of students' runs unless named on the command line
    pass_mark: float | None = None  # percent of the points asked that passes an exam
    pick: tuple[tuple[str, int], ...] = ()  # (tag, N): an exam draws N questions per tag
