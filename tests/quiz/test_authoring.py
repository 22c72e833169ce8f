"""Authoring messages: every YAML syntax error at once, fixes that work, templates, tolerances."""

from __future__ import annotations

import re

import pytest
from conftest import SINGLE, bank_text

from quiz.bank import check_files
from quiz.draw import plan
from quiz.render import prompt_text
from quiz.scoring import score

THREE_TRAPS = bank_text(
    """\
  - id: one
    type: single
    prompt: Pick b.
    choices:
      - text: a
        feedback: The opposite: it grows
      - text: b
        correct: true
  - id: two
    type true_false
    prompt: Is it?
    answer: true
  - id: three
\ttype: true_false
    prompt: Is it?
    answer: false
"""
)


def problems_of(write_bank, text: str, name: str = "bank.yaml") -> list:
    return check_files([write_bank(text, name)])[1]


def test_every_syntax_trap_of_a_file_in_one_run(write_bank) -> None:
    found = problems_of(write_bank, THREE_TRAPS)
    assert [(p.line, p.col) for p in found] == [(10, 19), (14, 5), (18, 1)]
    colon, missing, tab = (p.message for p in found)
    assert colon == 'quote the text: it contains ": ". Write `feedback: "The opposite: it grows"`'
    assert missing == "`type` has no colon after it. Write `type: true_false`"
    assert tab.startswith("a tab in the indentation")


def test_syntax_errors_across_files_in_one_run(write_bank) -> None:
    first = write_bank(THREE_TRAPS, "a.yaml")
    second = write_bank(
        bank_text(SINGLE.format(qid="x")).replace("prompt: Pick b.", 'prompt: "P'), "b.yaml"
    )
    _, found = check_files([first, second])
    assert len([p for p in found if p.file.endswith("a.yaml")]) == 3
    (unclosed,) = [p for p in found if p.file.endswith("b.yaml")]
    assert unclosed.line == 7 and "quoted text is not closed" in unclosed.message


def test_parser_errors_after_the_first_are_found_too(write_bank) -> None:
    # Over-indented keys are no common trap: the parser finds them, one round each.
    text = bank_text(SINGLE.format(qid="a") + SINGLE.format(qid="b"))
    lines = text.splitlines()
    lines[6] = "     " + lines[6].lstrip()  # `prompt` of a, one space too deep
    lines[16] = "     " + lines[16].lstrip()  # `prompt` of b
    found = problems_of(write_bank, "\n".join(lines) + "\n")
    assert [p.line for p in found] == [7, 17]
    assert all("indented differently" in p.message for p in found)


def apply_fix(text: str, message: str) -> str:
    """Put the `key: value` the message suggests in place of the line with that key."""
    fix = re.search(r"Write (?:e\.g\. )?`([a-z_]+): (.*?)`(?: |\.|$)", message)
    assert fix, message
    key, value = fix.groups()
    return re.sub(rf"(?m)^(\s*(?:- )?){key}:.*$", lambda m: f"{m.group(1)}{key}: {value}", text)


@pytest.mark.parametrize("answer", ["1/2", "2/3", "sqrt(2)", "0.5"])
def test_the_suggested_numeric_answer_validates(write_bank, answer: str) -> None:
    question = f"  - id: n\n    type: numeric\n    prompt: What is it?\n    answer: {answer}\n"
    (problem,) = problems_of(write_bank, bank_text(question))
    if "/" in answer or "(" in answer:
        assert f'`answer: {{expr: "{answer}"}}`' in problem.message
    fixed = apply_fix(bank_text(question), problem.message)
    assert problems_of(write_bank, fixed, "fixed.yaml") == []


def test_the_suggested_quoting_validates(write_bank) -> None:
    text = THREE_TRAPS.replace("    type true_false", "    type: true_false").replace("\t", "    ")
    (problem,) = problems_of(write_bank, text)
    assert problems_of(write_bank, apply_fix(text, problem.message), "fixed.yaml") == []


def test_schema_version_as_text_is_explained(write_bank) -> None:
    text = bank_text(SINGLE.format(qid="x")).replace("schema_version: 1", 'schema_version: "1"')
    (problem,) = problems_of(write_bank, text)
    assert problem.message == (
        'schema_version is the text "1", not a number. Remove the quotes: `schema_version: 1`'
    )
    other = bank_text(SINGLE.format(qid="x")).replace("schema_version: 1", "schema_version: 2")
    (problem,) = problems_of(write_bank, other)
    assert "schema_version 2 is not supported; this quiz reads only version 1" in problem.message


def numeric(prompt: str, params: str = "", answer: str = '{expr: "1/3"}') -> str:
    extra = f"    params: {params}\n" if params else ""
    return f'  - id: n\n    type: numeric\n    prompt: "{prompt}"\n{extra}    answer: {answer}\n'


def first_item(write_bank, question: str):
    banks, problems = check_files([write_bank(bank_text(question))])
    assert problems == []
    return plan(banks[0].questions, seed=1)[0]


def test_latex_braces_in_a_question_without_params(write_bank) -> None:
    item = first_item(write_bank, numeric(r"What is $v_{t}$ at t = 1? {not a param}"))
    assert prompt_text(item) == r"What is $v_{t}$ at t = 1? {not a param}"


def test_double_braces_in_a_templated_question(write_bank) -> None:
    question = numeric(r"With beta = {beta}, what is $v_{{t}}$?", "{beta: [0.5]}", '{expr: "beta"}')
    assert prompt_text(first_item(write_bank, question)) == r"With beta = 0.5, what is $v_{t}$?"


def test_single_braces_in_a_templated_question_suggest_doubling(write_bank) -> None:
    question = numeric(r"beta = {beta}, $v_{t}$", "{beta: [0.5]}", '{expr: "beta"}')
    (problem,) = check_files([write_bank(bank_text(question))])[1]
    assert "no param `t`" in problem.message and "write `{{t}}`" in problem.message


@pytest.mark.parametrize(
    ("answer", "typed", "right"),
    [
        ('{expr: "1/3"}', 0.333, True),  # no short decimal form: 3 significant digits count
        ('{expr: "1/3"}', 0.33, False),
        ('{expr: "2/3"}', 0.667, True),
        ("{value: 0.333333333333}", 0.333, True),
        ('{expr: "1/2"}', 0.5, True),  # a short decimal: exact, as before
        ('{expr: "1/2"}', 0.501, False),
        ("{value: 1.44}", 1.441, False),
        ('{expr: "1/3", tolerance: 0}', 0.333, False),  # a written tolerance is kept
    ],
)
def test_default_relative_tolerance(write_bank, answer: str, typed: float, right: bool) -> None:
    item = first_item(write_bank, numeric("What is it?", answer=answer))
    assert score(item.question, typed, item.variant).correct is right


def test_quoted_texts_with_hashes_and_colons_are_fine(write_bank) -> None:
    question = SINGLE.format(qid="x").replace(
        "prompt: Pick b.", "prompt: \"Cost = {{1}} # not: a comment, 'quoted'\" # a comment"
    )
    assert problems_of(write_bank, bank_text(question)) == []
