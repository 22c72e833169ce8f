"""Awkward bank text through every export format, read back by tests/quiz/lms_readers.py.

Each case pairs what an author writes with what a student must read in the LMS (maths back
in `$…$`, Markdown marks gone). Also: select-all questions with every choice right, and
numeric answers that are negative, zero, or carry the default relative tolerance.
"""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
import zipfile
from io import BytesIO

import pytest
from conftest import bank_text
from lms_readers import plain, qti_score, read_gift, read_moodle, read_qti

from quiz.bank import check_files, load_banks
from quiz.export import export_banks
from quiz.scoring import score

# (as written in the bank, as read in the LMS)
CASES = [
    ("Price $5 and $6, not maths", "Price $5 and $6, not maths"),
    (
        r"LaTeX $\frac{1}{2} \|v\|^2 < \epsilon$ & more",
        r"LaTeX $\frac{1}{2} \|v\|^2 < \epsilon$ & more",
    ),
    ("**bold** *em* `code $x$` a_b_c 2*3*4", "bold em code $x$ a_b_c 2*3*4"),
    (
        "Ünïcödé θ ← θ + v, ∇f, 🚀, עברית, e\u0301, 漢字",
        "Ünïcödé θ ← θ + v, ∇f, 🚀, עברית, e\u0301, 漢字",
    ),
    ("GIFT marks ~ = # { } : \\ and // no comment", "GIFT marks ~ = # { } : \\ and // no comment"),
    (r"Display $$v_{t+1} = \beta v_t$$ end", r"Display $$v_{t+1} = \beta v_t$$ end"),
    (r"Escaped \$ dollar", "Escaped $ dollar"),
    ("<script>alert(1)</script> &amp; ]]> '\"", "<script>alert(1)</script> &amp; ]]> '\""),
    ("Line one\nline two", "Line one line two"),
    ("See [the notes](https://example.org/a?b=1&c=2) first", "See the notes first"),
    ("[x](javascript:alert(1)) stays", "[x](javascript:alert(1)) stays"),
]


def _bank(write_bank):
    questions = ""
    for n, (written, _) in enumerate(CASES):
        w = json.dumps(written, ensure_ascii=False)  # a JSON string is a YAML one
        questions += (
            f"  - id: q{n}\n    type: single\n    prompt: {w}\n    explanation: {w}\n"
            f"    choices:\n      - text: {w}\n        correct: true\n        feedback: {w}\n"
            f'      - text: "other {n}"\n'
        )
    return load_banks([write_bank(bank_text(questions, "edges"))])


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti"])
def test_awkward_text_reads_back_in_every_format(write_bank, fmt) -> None:
    banks = _bank(write_bank)
    data = export_banks(banks, fmt, 1)
    expected = [want for _, want in CASES]
    if fmt == "moodle":
        read = read_moodle(data)
        assert [r["text"] for r in read] == expected
        assert [r["general"] for r in read] == expected
        assert [r["answers"][0]["feedback"] for r in read] == expected
        assert [plain(r["answers"][0]["text"]) for r in read] == expected
        assert [r["answers"][0]["fraction"] for r in read] == [100.0] * len(CASES)
    elif fmt == "gift":
        read = read_gift(data.decode("utf-8"))
        assert [r["text"] for r in read] == expected
        assert [r["general"] for r in read] == expected
        assert [r["answers"][0]["text"] for r in read] == expected
        assert [r["answers"][0]["feedback"] for r in read] == expected
        assert [r["answers"][0]["mark"] for r in read] == ["="] * len(CASES)
    else:
        items, _ = read_qti(data)
        assert [i["text"] for i in items] == expected
        assert [i["labels"][f"q{n}-0"] for n, i in enumerate(items)] == expected
        assert [i["feedbacks"]["general_fb"] for i in items] == expected
        assert [i["feedbacks"][f"q{n}-0_fb"] for n, i in enumerate(items)] == expected
        assert [qti_score(i, {f"q{n}-0"}) for n, i in enumerate(items)] == [100.0] * len(CASES)


@pytest.mark.parametrize("escape", ["\\a", "\\x1b", "\\0", "\\x7f", "\\x85"])
def test_a_control_character_in_a_text_is_a_problem(write_bank, escape) -> None:
    # A YAML escape can put one there; it would reach students' terminals and break the XML.
    question = (
        "  - id: q\n    type: single\n    prompt: P\n    choices:\n"
        f'      - text: "bell {escape} here"\n        correct: true\n      - text: b\n'
    )
    banks, problems = check_files([write_bank(bank_text(question))])
    assert banks == []
    assert len(problems) == 1 and problems[0].line == 9
    assert "control character U+" in problems[0].message


def test_tabs_and_line_breaks_stay_allowed(write_bank) -> None:
    question = '  - id: q\n    type: true_false\n    prompt: "a\\tb\\nc\\r\\nd"\n    answer: true\n'
    banks = load_banks([write_bank(bank_text(question))])
    assert banks[0].questions[0].prompt == "a\tb\nc\r\nd"


ALL_RIGHT = """\
  - id: all-right
    type: multiple
    scoring: {scoring}
    prompt: Every one.
    choices:
      - text: one
        correct: true
      - text: two
        correct: true
      - text: three
        correct: true
"""


def subsets(n: int):
    return itertools.chain.from_iterable(itertools.combinations(range(n), k) for k in range(n + 1))


@pytest.mark.parametrize("scoring", ["partial", "all_or_nothing"])
def test_select_all_with_every_choice_right_scores_alike_everywhere(write_bank, scoring) -> None:
    banks = load_banks([write_bank(bank_text(ALL_RIGHT.format(scoring=scoring)))])
    q = banks[0].questions[0]
    moodle = read_moodle(export_banks(banks, "moodle", 1))[0]
    gift = read_gift(export_banks(banks, "gift", 1).decode("utf-8"))[0]
    item = read_qti(export_banks(banks, "qti", 1))[0][0]
    assert [a["fraction"] > 0 for a in moodle["answers"]] == [True] * 3
    for chosen in subsets(3):
        if not chosen:
            continue  # the quiz asks again for an empty answer
        quiz = score(q, frozenset(chosen)).score
        moodle_score = min(100, max(0, sum(moodle["answers"][i]["fraction"] for i in chosen)))
        gift_score = min(100, max(0, sum(gift["answers"][i]["weight"] for i in chosen)))
        qti = qti_score(item, {f"all-right-{i}" for i in chosen}, each_step=True)
        if scoring == "partial" or len(chosen) == 3:
            assert moodle_score / 100 == pytest.approx(quiz, abs=1e-4), chosen
            assert gift_score / 100 == pytest.approx(quiz, abs=1e-4), chosen
            assert qti / 100 == pytest.approx(quiz, abs=1e-4), chosen
    assert score(q, frozenset({0, 1, 2})).correct


def test_select_all_with_no_right_choice_is_refused(write_bank) -> None:
    question = ALL_RIGHT.format(scoring="partial").replace("correct: true", "correct: false")
    banks, problems = check_files([write_bank(bank_text(question))])
    assert banks == []
    assert [p.message for p in problems] == [
        "no choice is marked `correct: true`. Mark at least one; when none applies, add a "
        'choice such as "None of these" with `pin: last` and mark that one'
    ]


NUMERIC = """\
  - id: neg
    type: numeric
    prompt: "Velocity for beta {beta}"
    params: {beta: [0.5, 0.9]}
    answer: {expr: "-1/(3*beta)"}
  - id: zero
    type: numeric
    prompt: Zero.
    answer: {value: 0}
  - id: neg-tol
    type: numeric
    prompt: Minus two and a half.
    answer: {value: -2.5, tolerance: 0.01}
"""


def _edge_is_the_quiz_edge(q, params: dict, value: float, tol: float) -> None:
    """The exported tolerance is where the quiz's own scoring stops accepting."""
    for sign in (1, -1):
        if tol:
            assert score(q, value + sign * 0.99 * tol, params).correct
        assert not score(q, value + sign * (1.01 * tol + 1e-7), params).correct


def test_negative_and_zero_answers_keep_their_sign_and_slack(write_bank) -> None:
    banks = load_banks([write_bank(bank_text(NUMERIC))])
    neg, zero, neg_tol = banks[0].questions
    # -1/(3*0.5) = -0.6667: three significant digits count, the sign does not flip.
    assert score(neg, -0.667, {"beta": 0.5}).correct
    assert not score(neg, 0.667, {"beta": 0.5}).correct
    assert not score(neg, -0.66, {"beta": 0.5}).correct
    # Zero: no relative slack can widen it; only zero (or -0) counts.
    assert score(zero, 0.0).correct and score(zero, -0.0).correct
    assert not score(zero, 1e-9).correct
    assert score(neg_tol, -2.505).correct and not score(neg_tol, 2.5).correct
    read = read_gift(export_banks(banks, "gift", 2).decode("utf-8"))
    moodle = read_moodle(export_banks(banks, "moodle", 2))
    items, _ = read_qti(export_banks(banks, "qti", 2))
    for r, m, item in zip(read, moodle, items, strict=True):
        q = {"neg": neg, "zero": zero, "neg-tol": neg_tol}[r["title"].split(" ")[0]]
        beta = float(r["text"].rsplit(" ", 1)[1]) if q is neg else None
        params = {"beta": beta} if beta else {}
        value = q.answer.correct_value(params)
        got_value, got_tol = r["numeric"]
        assert got_value == pytest.approx(value, rel=1e-12)
        _edge_is_the_quiz_edge(q, params, got_value, got_tol)
        assert float(m["answers"][0]["text"]) == pytest.approx(value, rel=1e-12)
        assert float(m["answers"][0]["tolerance"]) == pytest.approx(got_tol)
        assert qti_score(item, value) == 100
        assert qti_score(item, -value if value else 1.0) == 0  # the sign matters
        assert qti_score(item, value + 0.9 * got_tol) == 100


@pytest.mark.parametrize("fmt", ["moodle", "qti"])
def test_the_xml_exports_are_well_formed_utf8(write_bank, fmt) -> None:
    data = export_banks(_bank(write_bank), fmt, 1)
    if fmt == "qti":
        archive = zipfile.ZipFile(BytesIO(data))
        data = next(archive.read(n) for n in archive.namelist() if n != "imsmanifest.xml")
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    ET.fromstring(data)  # raises on any character XML 1.0 does not allow
    assert "🚀".encode() in data


def test_an_expr_that_is_zero_up_to_rounding_is_zero(write_bank) -> None:
    question = (
        "  - id: zero-expr\n    type: numeric\n    prompt: Rest.\n    params: {g: [0.3, 0.7]}\n"
        '    answer: {expr: "(1 - 0.9)*g - 0.1*g"}\n'
    )
    banks = load_banks([write_bank(bank_text(question))])
    q = banks[0].questions[0]
    assert (1 - 0.9) * 0.7 - 0.1 * 0.7 != 0  # the float arithmetic really is off
    for g in (0.3, 0.7):
        assert score(q, 0.0, {"g": g}).correct
        assert not score(q, 0.001, {"g": g}).correct
    for r in read_gift(export_banks(banks, "gift", 2).decode("utf-8")):
        assert r["numeric"] == (0.0, 0.0)


def test_a_markdown_link_becomes_a_web_link(write_bank) -> None:
    read = ET.fromstring(export_banks(_bank(write_bank), "moodle", 1))
    links = [a.findtext("text") for a in read.iter("questiontext")]
    assert any('<a href="https://example.org/a?b=1&amp;c=2">the notes</a>' in t for t in links)
    assert not any("javascript" in t and "<a " in t for t in links)
