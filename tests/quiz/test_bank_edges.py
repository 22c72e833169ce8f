"""Bank files as they arrive from editors: BOMs, other encodings, YAML 1.1 habits, several
documents, leading zeros, anchors, and a bank far bigger than the default one."""

from __future__ import annotations

import json

import pytest
from conftest import SINGLE, bank_text

from quiz.bank import check_files, load_banks
from quiz.yamlio import MAX_NODES

ONE = bank_text(SINGLE.format(qid="one"))


def test_a_utf8_bom_is_read_as_nothing(write_bank, tmp_path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ONE.encode("utf-8"))
    banks = load_banks([path])
    assert banks[0].id == "test" and banks[0].questions[0].id == "one"


def test_a_bom_does_not_shift_problem_columns(tmp_path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ONE.replace("type: single", "type: singel").encode())
    _, problems = check_files([path])
    assert [(p.line, p.col) for p in problems] == [(6, 11)]


def test_utf16_is_named_as_such(tmp_path) -> None:
    path = tmp_path / "u16.yaml"
    path.write_bytes(ONE.encode("utf-16"))  # with its BOM, as Notepad used to save
    _, problems = check_files([path])
    assert len(problems) == 1
    assert "not UTF-8 text (it is UTF-16 text). Save it as UTF-8" in problems[0].message


def test_latin1_points_at_the_first_bad_byte(tmp_path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(ONE.replace("Pick b.", "Pick b, café.").encode("latin-1"))
    _, problems = check_files([path])
    assert len(problems) == 1
    prompt_line = ONE.splitlines().index("    prompt: Pick b.") + 1
    assert (problems[0].line, problems[0].col) == (prompt_line, len("    prompt: Pick b, caf") + 1)
    assert "byte 0xE9 is not UTF-8" in problems[0].message


def test_a_second_document_is_explained(write_bank) -> None:
    _, problems = check_files([write_bank(ONE + "---\nbank: other\n")])
    assert len(problems) == 1
    line = len(ONE.splitlines()) + 1
    assert problems[0].line == line
    assert "a second YAML document starts here (a `---` line)" in problems[0].message


def test_one_document_with_explicit_markers_is_fine(write_bank) -> None:
    banks = load_banks([write_bank("---\n" + ONE + "...\n")])
    assert banks[0].questions[0].id == "one"


NUMERIC = """\
  - id: num
    type: numeric
    prompt: A number.
    answer: {{value: {value}, tolerance: {tolerance}}}
"""


@pytest.mark.parametrize(
    ("value", "tolerance", "expected"),
    [
        ("1e3", "0", (1000.0, 0.0)),  # YAML 1.1 reads 1e3 as text
        ("1.5e-3", "1e-6", (0.0015, 1e-6)),
        ("0x10", "0", (16.0, 0.0)),  # explicit hex is unambiguous
        ("-0.5", "0.0", (-0.5, 0.0)),
        ("0", "0o1", (0.0, 1.0)),
    ],
)
def test_numbers_follow_yaml_1_2(write_bank, value, tolerance, expected) -> None:
    text = bank_text(NUMERIC.format(value=value, tolerance=tolerance))
    answer = load_banks([write_bank(text)])[0].questions[0].answer
    assert (answer.value, answer.tolerance) == expected


@pytest.mark.parametrize(("value", "fixed"), [("010", "10"), ("-007.5", "-7.5"), ("00", "0")])
def test_a_leading_zero_is_refused(write_bank, value, fixed) -> None:
    # 010 is 8 to YAML 1.1 tools (and to the schema-aware editor) but 10 here: make it plain.
    _, problems = check_files([write_bank(bank_text(NUMERIC.format(value=value, tolerance=0)))])
    assert len(problems) == 1
    assert f"`value` is `{value}`, with a leading zero" in problems[0].message
    assert f"Write `{fixed}` without the leading zero" in problems[0].message


@pytest.mark.parametrize("word", ["no", "No", "off", "y", "on", "yes", "NO"])
def test_yaml11_booleans_stay_text_in_choices_and_are_refused_as_flags(write_bank, word) -> None:
    question = (
        "  - id: q\n    type: single\n    prompt: P\n    choices:\n"
        f"      - text: {word}\n        correct: true\n      - text: other\n"
    )
    q = load_banks([write_bank(bank_text(question))])[0].questions[0]
    assert q.choices[0].text == word
    flag = question.replace("correct: true", f"correct: {word}")
    _, problems = check_files([write_bank(bank_text(flag))])
    assert any(f"(`{word}` is text in a bank, not a boolean)" in p.message for p in problems)


def test_anchors_and_merge_free_aliases_load(write_bank) -> None:
    text = """\
schema_version: 1
bank: anchors
questions:
  - id: a
    type: single
    prompt: &shared Which one?
    choices: &choices
      - text: right
        correct: true
      - text: wrong
  - id: b
    type: single
    prompt: *shared
    choices: *choices
"""
    a, b = load_banks([write_bank(text)])[0].questions
    assert a.prompt == b.prompt == "Which one?" and a.choices == b.choices


def test_a_merge_key_is_refused_not_silently_merged(write_bank) -> None:
    text = bank_text(
        "  - &base\n    id: a\n    type: true_false\n    prompt: P\n    answer: true\n"
        "  - <<: *base\n    id: b\n"
    )
    banks, problems = check_files([write_bank(text)])
    assert banks == [] and problems
    assert problems[0].line == 10
    assert "`<<` (a YAML merge key) is not supported in a bank" in problems[0].message


def _huge(questions: int) -> str:
    body = "".join(
        f"  - id: q{i}\n    type: single\n    prompt: Question {i}?\n    tags: [a, b]\n"
        "    choices:\n      - text: yes it is\n        correct: true\n        feedback: good\n"
        "      - text: no it is not\n        feedback: bad\n      - text: maybe\n"
        for i in range(questions)
    )
    return bank_text(body, "huge")


def test_a_huge_bank_is_not_mistaken_for_an_alias_bomb(write_bank) -> None:
    text = _huge(4000)  # about 15 values per question: far over MAX_NODES written out
    assert text.count("\n") > MAX_NODES // 5
    banks = load_banks([write_bank(text)])
    assert len(banks[0].questions) == 4000


def test_aliases_that_repeat_too_much_are_still_refused(write_bank) -> None:
    # Small on disk, enormous once expanded: every repeat counts.
    lines = ["schema_version: 1", "bank: bomb", "x0: &x0 [a, a, a, a, a, a, a, a, a, a]"]
    for level in range(1, 6):
        lines.append(f"x{level}: &x{level} [" + ", ".join([f"*x{level - 1}"] * 10) + "]")
    _, problems = check_files([write_bank("\n".join(lines) + "\nquestions: []\n")])
    assert len(problems) == 1
    assert f"repeats more than {MAX_NODES} values" in problems[0].message


def test_a_folder_reads_upper_case_suffixes_and_skips_hidden_copies(tmp_path) -> None:
    from quiz.bank import bank_files

    (tmp_path / "Momentum.YAML").write_text(ONE, encoding="utf-8")
    (tmp_path / "._Momentum.YAML").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    assert [p.name for p in bank_files([tmp_path])] == ["Momentum.YAML"]


MARKDOWN_START = [
    ("*all* of the above", "`*` at its start as an alias"),
    ("**bold** first", "`*` at its start as an alias"),
    ("`code` first", "a backtick at its start as a reserved character"),
    ("@home", "`@` at its start as a reserved character"),
    ("%d percent", "`%` at its start as a directive"),
    ("[link](https://x.org) here", "`[` at its start as the start of a list"),
    ("{lr} is the step", "`{` at its start as the start of a mapping"),
    ("!important", "`!` at its start as a tag"),
    ('"Quoted" then more', '`"` at its start as a quoted text that ends before the rest'),
    ("# Heading", "`#` at its start as the start of a comment"),
    ("| a | b |", "`|` at its start as a block of text"),
    ("> a quote", "`>` at its start as a block of text"),
    ("- a list item", "`-` at its start as a list item"),
]


@pytest.mark.parametrize(("written", "reads_as"), MARKDOWN_START)
def test_a_text_starting_with_a_yaml_indicator_says_to_quote_it(
    write_bank, written, reads_as
) -> None:
    text = ONE.replace("prompt: Pick b.", f"prompt: {written}")
    _, problems = check_files([write_bank(text)])
    assert len(problems) == 1, [str(p) for p in problems]
    line = text.splitlines().index(f"    prompt: {written}") + 1
    assert (problems[0].line, problems[0].col) == (line, len("    prompt: ") + 1)
    assert f"quote the text: YAML reads {reads_as}" in problems[0].message
    fixed = text.replace(f"prompt: {written}", f"prompt: {json.dumps(written)}")
    assert f"Write `prompt: {json.dumps(written)}`" in problems[0].message
    assert load_banks([write_bank(fixed)])[0].questions[0].prompt == written


@pytest.mark.parametrize("ok", ["-0.5 is fine", "a *b* c", "$x$ first", "(a) first", "'quoted'"])
def test_texts_that_yaml_reads_as_text_pass(write_bank, ok) -> None:
    text = ONE.replace("prompt: Pick b.", f"prompt: {ok}")
    q = load_banks([write_bank(text)])[0].questions[0]
    assert q.prompt == ok.strip("'")


def test_every_quoting_problem_of_a_file_comes_in_one_run(write_bank) -> None:
    text = bank_text(
        "  - id: q\n    type: single\n"
        "    prompt: *Which* step\n      comes first: the velocity\n      or the position?\n"
        "    choices:\n      - text: `v` first\n        correct: true\n"
        "      - text: note: the position\n"
        '    explanation: "closed" and then more\n'
    )
    _, problems = check_files([write_bank(text)])
    assert [(p.line, p.message.split(". Write")[0]) for p in problems] == [
        (7, "quote the text: YAML reads `*` at its start as an alias "
         "(a reference to an `&anchor`)"),
        (11, "quote the text: YAML reads a backtick at its start as a reserved character"),
        (13, 'quote the text: it contains ": "'),
        (14, "quote the text: YAML reads `\"` at its start as a quoted text that ends before the "
         "rest of the line"),
    ]  # fmt: skip
    assert 'Write `prompt: "*Which* step …"`' in problems[0].message  # lines below continue it


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ('"0.5"', "Remove the quotes around it"),
        ("'2'", "Remove the quotes around it"),
        ("1_000", "Write it as `value: 1000`"),
        ("inf", "Write e.g. `value: 1`"),  # YAML writes infinity .inf; plain inf is text
    ],
)
def test_a_number_written_as_text_gets_the_right_hint(write_bank, written, hint) -> None:
    text = bank_text(NUMERIC.format(value=written, tolerance=0))
    _, problems = check_files([write_bank(text)])
    assert len(problems) == 1
    assert "`value` must be a number, not the text" in problems[0].message
    assert hint in problems[0].message
