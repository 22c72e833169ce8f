"""`quiz validate`'s checks: one invalid bank per problem, each located and explained."""

from __future__ import annotations

import json

import pytest
from conftest import SCHEMA, SINGLE, bank_text

from quiz.bank import bank_files, check_files, load_banks
from quiz.model import BankError
from quiz.yamlio import load_tree, plain

TF = """\
  - id: tf
    type: true_false
    prompt: Is it?
    answer: {answer}
"""
NUMERIC = """\
  - id: num
    type: numeric
    prompt: "beta is {{beta}}"
    params: {{beta: [0.5, 0.9]}}
    answer: {answer}
"""


def single(choices: str, extra: str = "") -> str:
    return f"  - id: q\n    type: single\n    prompt: P\n{extra}    choices:\n{choices}"


TWO = '      - text: "a"\n        correct: true\n      - text: "b"\n'

# (name, bank text, line, fragment of the message, whether the JSON Schema also rejects it)
INVALID = [
    (
        "yaml-syntax",
        bank_text(single(TWO)).replace("prompt: P", "prompt: [P"),
        None,
        "YAML reads `[` at its start as the start of a list",
        True,
    ),
    (
        "missing-key",
        bank_text(single(TWO)).replace("    prompt: P\n", ""),
        5,
        "has no `prompt`",
        True,
    ),
    (
        "missing-schema-version",
        bank_text(single(TWO)).replace("schema_version: 1\n", ""),
        1,
        "has no `schema_version`",
        True,
    ),
    (
        "typo-key",
        bank_text(single(TWO, "    explaination: E\n")),
        8,
        "unknown key `explaination` in a single question. Did you mean `explanation`?",
        True,
    ),
    (
        "typo-choice-key",
        bank_text(single(TWO.replace("correct:", "corect:"))),
        10,
        "Did you mean `correct`?",
        True,
    ),
    (
        "key-of-other-type",
        bank_text(single(TWO, "    answer: true\n")),
        8,
        "`answer` is not used in a single question",
        True,
    ),
    (
        "unknown-type",
        bank_text(single(TWO).replace("type: single", "type: singel")),
        6,
        "Did you mean `single`?",
        True,
    ),
    (
        "wrong-type-prompt",
        bank_text(single(TWO).replace("prompt: P", "prompt: [a, b]")),
        7,
        "`prompt` must be text, not a list",
        True,
    ),
    (
        "wrong-type-points",
        bank_text(single(TWO, "    points: lots\n")),
        8,
        '`points` must be a number, not the text "lots"',
        True,
    ),
    (
        "quoted-number-points",
        bank_text(single(TWO, '    points: "2"\n')),
        8,
        "Remove the quotes",
        True,
    ),
    ("zero-points", bank_text(single(TWO, "    points: 0\n")), 8, "greater than 0", True),
    (
        "wrong-type-correct",
        bank_text(single(TWO.replace("correct: true", "correct: yes"))),
        10,
        "`correct` must be true or false",
        True,
    ),
    ("choices-not-list", bank_text(single("      text: a\n")), 9, "`choices` must be a list", True),
    (
        "choice-not-mapping",
        bank_text(single('      - "a"\n      - text: b\n        correct: true\n')),
        9,
        "choice 1 must be a mapping with `text:`",
        True,
    ),
    (
        "schema-version-2",
        bank_text(single(TWO)).replace("schema_version: 1", "schema_version: 2"),
        1,
        "schema_version 2 is not supported",
        True,
    ),
    (
        "bad-question-id",
        bank_text(single(TWO).replace("id: q", "id: Bad_Id")),
        5,
        "may use only lowercase letters",
        True,
    ),
    (
        "duplicate-choices",
        bank_text(single(TWO + '      - text: " B "\n')),
        12,
        "choice 3 repeats choice 2",
        False,
    ),
    (
        "single-no-correct",
        bank_text(single(TWO.replace("        correct: true\n", ""))),
        9,
        "no choice is marked `correct: true`. Mark exactly one",
        False,
    ),
    (
        "single-two-correct",
        bank_text(single(TWO + "        correct: true\n")),
        9,
        "2 choices (choices 1, 2) are marked correct",
        False,
    ),
    (
        "multiple-none-correct",
        bank_text(single(TWO.replace("        correct: true\n", "")).replace("single", "multiple")),
        9,
        "Mark at least one",
        False,
    ),
    (
        "too-few-choices",
        bank_text(single('      - text: "a"\n        correct: true\n')),
        9,
        "there is only one choice. Give at least 2",
        True,
    ),
    (
        "pins-collide",
        bank_text(
            single(
                TWO.replace('"b"\n', '"b"\n        pin: last\n')
                + "      - text: c\n        pin: last\n"
            )
        ),
        13,
        "choices 2 and 3 are both pinned `last`",
        False,
    ),
    (
        "bad-pin",
        bank_text(single(TWO.replace('"b"\n', '"b"\n        pin: middle\n'))),
        12,
        "`pin` is `middle`, which is not one of first, last",
        True,
    ),
    (
        "bad-scoring",
        bank_text(single(TWO, "    scoring: partal\n").replace("single", "multiple")),
        8,
        "Did you mean `partial`?",
        True,
    ),
    (
        "tf-answer-yes",
        bank_text(TF.format(answer="yes")),
        8,
        "(`yes` is text in a bank, not a boolean)",
        True,
    ),
    (
        "tf-missing-answer",
        bank_text(TF.replace("    answer: {answer}\n", "")),
        5,
        "has no `answer`",
        True,
    ),
    (
        "expr-unknown-name",
        bank_text(NUMERIC.format(answer='{expr: "-lr * beta"}')),
        9,
        "unknown name `lr`",
        False,
    ),
    (
        "expr-typo-name",
        bank_text(NUMERIC.format(answer='{expr: "-betta * 2"}')),
        9,
        "Did you mean `beta`?",
        False,
    ),
    (
        "expr-not-arithmetic",
        bank_text(NUMERIC.format(answer="{expr: \"__import__('os').system('x')\"}")),
        9,
        "Only sqrt, abs, exp, log, min, max can be called",
        False,
    ),
    (
        "expr-attribute",
        bank_text(NUMERIC.format(answer='{expr: "beta.real"}')),
        9,
        "not plain arithmetic",
        False,
    ),
    (
        "expr-syntax",
        bank_text(NUMERIC.format(answer='{expr: "beta +"}')),
        9,
        "is not valid arithmetic",
        False,
    ),
    (
        "expr-non-finite",
        bank_text(NUMERIC.format(answer='{expr: "1 / (beta - 0.9)"}')),
        9,
        "divides by zero for beta=0.9",
        False,
    ),
    (
        "expr-overflow",
        bank_text(NUMERIC.format(answer='{expr: "10 ** (1000 * beta)"}')),
        9,
        "overflows",
        False,
    ),
    (
        "expr-complex",
        bank_text(NUMERIC.format(answer='{expr: "(-beta) ** 0.5"}')),
        9,
        "not a real number",
        False,
    ),
    (
        "tolerance-negative",
        bank_text(NUMERIC.format(answer="{value: 1, tolerance: -1.0e-3}")),
        9,
        "below zero",
        True,
    ),
    (
        "tolerance-text",
        bank_text(NUMERIC.format(answer="{value: 1, tolerance: small}")),
        9,
        "`tolerance` must be a number",
        True,
    ),
    (
        "tolerance-infinite",
        bank_text(NUMERIC.format(answer="{value: 1, tolerance: .inf}")),
        9,
        "Write a finite number",
        False,
    ),
    (
        "numeric-value-and-expr",
        bank_text(NUMERIC.format(answer='{value: 1, expr: "beta"}')),
        9,
        "exactly one of `value` and `expr`",
        True,
    ),
    (
        "prompt-unknown-placeholder",
        bank_text(NUMERIC.format(answer="{value: 1}").replace('"beta is {beta}"', '"{gamma}"')),
        7,
        "no param `gamma`",
        False,
    ),
    (
        "python-tag",
        bank_text(single(TWO)).replace("prompt: P", "prompt: !!python/name:os.system"),
        7,
        "is not allowed in a bank",
        False,
    ),
    ("duplicate-key", bank_text(single(TWO, "    prompt: again\n")), 8, "appears twice", False),
    (
        "empty-questions",
        "schema_version: 1\nbank: b\nquestions: []\n",
        3,
        "`questions` is empty",
        True,
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [pytest.param(t, ln, f, id=name) for name, t, ln, f, _ in INVALID],
)
def test_each_problem_is_reported_with_its_place(write_bank, text, line, fragment) -> None:
    path = write_bank(text)
    banks, problems = check_files([path])
    assert banks == []
    assert any(fragment in str(p) for p in problems), [str(p) for p in problems]
    hit = next(p for p in problems if fragment in str(p))
    if line is not None:
        assert hit.line == line, str(hit)
    assert str(hit).startswith(f"{hit.file}:{hit.line}:{hit.col}: ")
    assert str(hit).endswith((".", "?"))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(t, id=name)
        for name, t, _, _, caught in INVALID
        if caught and "YAML syntax" not in name and name != "yaml-syntax"
    ],
)
def test_json_schema_rejects_the_structural_problems_too(text: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    tree, _ = load_tree(text, "t.yaml")
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(plain(tree))), "the JSON Schema accepted an invalid bank"


def test_problem_names_the_question_id(write_bank) -> None:
    path = write_bank(bank_text(single(TWO, "    explaination: E\n")))
    _, problems = check_files([path])
    assert f"{path.name}:8:5: question q: unknown key `explaination`" in str(problems[0])


def test_all_problems_are_reported_in_one_run(write_bank) -> None:
    first = write_bank(bank_text(single(TWO, "    explaination: E\n    points: -1\n")), "a.yaml")
    second = write_bank(bank_text(TF.format(answer="maybe"), bank="other"), "b.yaml")
    _, problems = check_files([first, second])
    messages = " | ".join(str(p) for p in problems)
    assert len(problems) == 3, messages
    assert "explaination" in messages and "points" in messages and "maybe" in messages


def test_duplicate_question_ids_across_files(write_bank) -> None:
    first = write_bank(bank_text(SINGLE.format(qid="same"), bank="one"), "one.yaml")
    second = write_bank(bank_text(SINGLE.format(qid="same"), bank="two"), "two.yaml")
    _, problems = check_files([first, second])
    assert len(problems) == 1
    assert problems[0].file.endswith("two.yaml")
    assert "the question id `same` is already used at" in problems[0].message
    assert "one.yaml:5" in problems[0].message


def test_duplicate_ids_are_found_even_when_a_file_has_other_problems(write_bank) -> None:
    first = write_bank(bank_text(SINGLE.format(qid="same") + "    oops: 1\n", "one"), "one.yaml")
    second = write_bank(bank_text(SINGLE.format(qid="same"), bank="two"), "two.yaml")
    _, problems = check_files([first, second])
    assert sum("already used" in str(p) for p in problems) == 1


def test_duplicate_bank_ids(write_bank) -> None:
    first = write_bank(bank_text(SINGLE.format(qid="one")), "one.yaml")
    second = write_bank(bank_text(SINGLE.format(qid="two")), "two.yaml")
    _, problems = check_files([first, second])
    assert ["bank id `test` is already used" in str(p) for p in problems] == [True]


def test_a_valid_bank_loads_into_frozen_questions(write_bank) -> None:
    text = bank_text(
        SINGLE.format(qid="s")
        + TF.format(answer="false")
        + NUMERIC.format(answer='{expr: "beta * 2", tolerance: 1e-3}')
    )
    (bank,) = load_banks([write_bank(text)])
    single_q, tf_q, num_q = bank.questions
    assert single_q.correct_indices == frozenset({1})
    assert single_q.choices[0].feedback == "Not a."
    assert tf_q.answer is False
    assert num_q.answer.tolerance == 0.001  # `1e-3` is a number, not text
    assert num_q.answer.correct_value({"beta": 0.5}) == 1.0
    assert num_q.params == (("beta", (0.5, 0.9)),)
    with pytest.raises(AttributeError):
        single_q.id = "x"  # type: ignore[misc]


def test_a_choice_written_no_stays_text(write_bank) -> None:
    text = bank_text(single("      - text: No\n        correct: true\n      - text: Yes\n"))
    (bank,) = load_banks([write_bank(text)])
    assert [c.text for c in bank.questions[0].choices] == ["No", "Yes"]


def test_load_banks_raises_bank_error_with_every_problem(write_bank) -> None:
    path = write_bank(bank_text(single(TWO, "    explaination: E\n    tags: nope\n")))
    with pytest.raises(BankError) as info:
        load_banks([path])
    assert len(info.value.problems) == 2
    assert str(info.value) == "2 problems in the question bank"


def test_non_utf8_and_empty_files(write_bank) -> None:
    bad = write_bank("", "empty.yaml")
    latin = write_bank("x", "latin.yaml")
    latin.write_bytes(b"prompt: caf\xe9\n")
    _, problems = check_files([bad, latin])
    text = " | ".join(map(str, problems))
    assert "the file is empty" in text and "not UTF-8" in text


def test_bank_files_reads_every_yaml_in_a_folder(tmp_path) -> None:
    (tmp_path / "b.yaml").write_text("x: 1\n")
    (tmp_path / "a.yaml").write_text("x: 1\n")
    (tmp_path / "notes.txt").write_text("not a bank\n")
    assert [p.name for p in bank_files([tmp_path])] == ["a.yaml", "b.yaml"]
