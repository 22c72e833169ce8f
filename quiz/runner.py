"""The quiz session: ask, read, score, tell; streams are passed in so tests can drive it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TextIO

from quiz import answers, render
from quiz.draw import Item
from quiz.scoring import Outcome, Response, score

COMPLETED, END_OF_INPUT, INTERRUPTED = "completed", "end of input", "interrupted"
IN_PROGRESS = "in progress"
TIME_UP = "time limit reached"


class Hangup(KeyboardInterrupt):
    """The terminal was closed (SIGHUP) or the quiz was told to stop (SIGTERM).

    A KeyboardInterrupt, so everything that keeps answers on Ctrl-C keeps them here too.
    """


@dataclass(frozen=True)
class Answer:
    item: Item
    raw: str  # the line as typed, for instructors who want to see it
    response: Response  # bank choice indices, True/False, or the number
    outcome: Outcome
    seconds: float = 0.0  # after the start of the session, so a time limit can be checked


@dataclass
class Session:
    items: list[Item]
    seed: int
    answers: list[Answer] = field(default_factory=list)
    status: str = IN_PROGRESS
    student: str = "anonymous"
    time_limit: float | None = None  # minutes; answers given after it are not counted
    late: list[Answer] = field(default_factory=list)  # kept for the record, never scored
    started: datetime = field(default_factory=lambda: datetime.now().astimezone())
    finished: datetime | None = None


def read_response(item: Item, text: str) -> Response:
    """The response for one typed line; raises answers.InvalidAnswer to ask again."""
    q = item.question
    if q.type == "true_false":
        return answers.parse_true_false(text)
    if q.type == "numeric":
        return answers.parse_number(text)
    positions = answers.parse_choices(text, len(item.order), multiple=q.type == "multiple")
    return frozenset(item.order[p] for p in positions)


class Runner:
    def __init__(
        self,
        stdin: TextIO,
        stdout: TextIO,
        *,
        color: bool = False,
        width: int = 80,
        on_answer: Callable[[Session], None] | None = None,
        read_line: Callable[[str], str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.width = max(40, width)
        # A labkit Console as stdout: translate before wrapping, so widths hold in ASCII too.
        self.style = render.Style(color, getattr(stdout, "text", None), self.width)
        self.on_answer = on_answer
        # On a terminal: input() with readline, which draws the prompt and edits the line;
        # returns "" at end of input, like readline() on a stream.
        self.read_line = read_line
        self.clock = clock
        self.start = clock()

    def write(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def run(self, session: Session) -> Session:
        """Ask every item; end of input or Ctrl-C ends the session, keeping what was answered."""
        self.start = self.clock()
        try:
            for number, item in enumerate(session.items, start=1):
                if self._time_up(session):
                    break
                self.write()
                self.write(
                    render.question_block(item, number, len(session.items), self.width, self.style)
                )
                answer = self.ask(item)
                if answer is None:
                    session.status = END_OF_INPUT
                    self.write("\nEnd of input: stopping here.")
                    break
                if self._time_up(session):
                    session.late.append(answer)
                    self.write(self.style.bad("Time is up: this answer came too late to count."))
                    break
                session.answers.append(answer)
                self.write(
                    render.verdict_block(
                        item, answer.response, answer.outcome, self.width, self.style
                    )
                )
                if self.on_answer is not None:
                    self.on_answer(session)
            else:
                session.status = COMPLETED
        except KeyboardInterrupt as exc:
            session.status = INTERRUPTED
            session.finished = datetime.now().astimezone()
            if isinstance(exc, Hangup):
                raise  # nobody is left to read a summary; the caller saves the answers
            self.write("\nStopped (Ctrl-C).")
        session.finished = datetime.now().astimezone()
        self.write()
        self.write(
            render.summary_block(
                session.answers, session.items, session.status, self.width, self.style
            )
        )
        return session

    def _time_up(self, session: Session) -> bool:
        if session.time_limit is None or self.clock() - self.start <= 60 * session.time_limit:
            return False
        session.status = TIME_UP
        return True

    def ask(self, item: Item) -> Answer | None:
        """Read lines until one is a valid answer; None at end of input."""
        while True:
            self.stdout.write("\n")
            if self.read_line is not None:
                line = self.read_line(render.ask_prompt(item))
            else:
                self.stdout.write(render.ask_prompt(item))
                self.stdout.flush()
                line = self.stdin.readline()
            if not line:
                return None
            if self.read_line is None and not self.stdin.isatty():
                self.stdout.write(line if line.endswith("\n") else line + "\n")  # echo piped input
            text = line.rstrip("\r\n")
            try:
                response = read_response(item, text)
            except answers.InvalidAnswer as exc:
                self.write(self.style.bad(f"  Not counted: {exc}."))
                continue
            outcome = score(item.question, response, item.variant)
            return Answer(item, text, response, outcome, self.clock() - self.start)
