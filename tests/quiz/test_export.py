"""`quiz export`: every format read back by an independent reader (tests/quiz/lms_readers.py).

The expected side is always the bank as loaded and the quiz's own scoring; the export code is
only on the side being checked.
"""

from __future__ import annotations

import itertools
import re
import zipfile

import pytest
from conftest import BANKS, bank_text
from lms_readers import plain, qti_score, read_gift, read_moodle, read_qti

from quiz.bank import bank_files, load_banks
from quiz.export import export_banks
from quiz.export.common import to_html
from quiz.export.gift import escape
from quiz.scoring import score

VARIANTS = 3
MOODLE_TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "numeric": "numerical",
}


def text(value: str | None) -> str:
    """Bank text as a student reads it in the LMS: Markdown marks gone, spacing collapsed."""
    value = re.sub(r"`([^`]*)`", r"\1", value or "")
    value = re.sub(r"\*\*(\S.*?)\*\*", r"\1", value)
    value = re.sub(r"(?<![\w*])\*([^\s*][^*]*?)\*(?![\w*])", r"\1", value)
    return " ".join(value.split())


@pytest.fixture(scope="module")
def banks():
    return load_banks(bank_files([BANKS]))


@pytest.fixture(scope="module")
def questions(banks):
    return [q for b in banks for q in b.questions]


def matches_prompt(q, shown: str) -> dict[str, float]:
    """The numbers shown for `{name}` in a variant's prompt; asserts the rest is the prompt."""
    parts = re.split(r"\{([A-Za-z_]\w*)\}", text(q.prompt))
    pattern = "".join(
        re.escape(p) if i % 2 == 0 else r"(-?[0-9.e+-]+)" for i, p in enumerate(parts)
    )
    found = re.fullmatch(pattern, shown)
    assert found, (q.id, shown)
    values = {name: float(v) for name, v in zip(parts[1::2], found.groups(), strict=True)}
    for name, allowed in q.params:
        assert values[name] in allowed, (q.id, name)
    return values


def allowed(q, params) -> float:
    """The absolute difference the quiz accepts for this variant (tolerance, or relative)."""
    return q.answer.tolerance + q.answer.relative * abs(q.answer.correct_value(params))


def subsets(n: int):
    return itertools.chain.from_iterable(itertools.combinations(range(n), k) for k in range(n + 1))


# ---------------------------------------------------------------- Moodle XML


def test_moodle_round_trip_of_the_default_bank(banks, questions) -> None:
    read = read_moodle(export_banks(banks, "moodle", VARIANTS))
    for q in questions:
        found = [r for r in read if r["idnumber"] == q.id or r["idnumber"].startswith(q.id + "-s")]
        assert len(found) == (VARIANTS if q.params else 1), q.id
        for r in found:
            assert r["type"] == MOODLE_TYPES[q.type] and r["format"] == "html"
            assert r["points"] == q.points
            assert r["general"] == text(q.explanation)
            params = matches_prompt(q, r["text"]) if q.params else {}
            if not q.params:
                assert r["text"] == text(q.prompt)
            if q.type in ("single", "multiple"):
                assert r["single"] == ("true" if q.type == "single" else "false")
                assert [plain(a["text"]) for a in r["answers"]] == [text(c.text) for c in q.choices]
                assert [a["fraction"] > 0 for a in r["answers"]] == [c.correct for c in q.choices]
                assert [a["feedback"] for a in r["answers"]] == [
                    text(c.feedback) for c in q.choices
                ]
                # Moodle: the picked weights add up, clamped to 0–100 %.
                for chosen in subsets(len(q.choices)):
                    weight = sum(r["answers"][i]["fraction"] for i in chosen)
                    moodle = q.points * min(100, max(0, weight)) / 100
                    if q.type == "single" and len(chosen) != 1:
                        continue
                    quiz = score(q, frozenset(chosen)).score
                    if q.scoring == "partial" or q.type == "single":
                        assert moodle == pytest.approx(quiz, abs=1e-6), (q.id, chosen)
                    else:  # all or nothing: never more than the quiz gives, except misses
                        assert moodle == pytest.approx(quiz) or not set(chosen) - q.correct_indices
            elif q.type == "true_false":
                by_text = {a["text"]: a for a in r["answers"]}
                assert by_text["true"]["fraction"] == (100 if q.answer else 0)
                assert by_text["false"]["fraction"] == (0 if q.answer else 100)
                wrong = by_text["false" if q.answer else "true"]
                assert wrong["feedback"] == text(q.feedback)
            else:
                right, other = r["answers"]
                assert right["fraction"] == 100 and other["text"] == "*"
                assert float(right["text"]) == pytest.approx(q.answer.correct_value(params))
                assert float(right["tolerance"]) == pytest.approx(allowed(q, params))
                assert other["feedback"] == text(q.feedback)


def test_moodle_variants_sit_in_their_own_category(banks) -> None:
    read = read_moodle(export_banks(banks, "moodle", 4))
    variants = [r for r in read if r["name"].startswith("first-velocity (seed")]
    assert len(variants) == 4
    assert {r["category"] for r in variants} == {"$course$/top/momentum/first-velocity"}
    assert len({r["text"] for r in variants}) == 4  # four different sets of numbers


# ---------------------------------------------------------------- GIFT


def test_gift_round_trip_of_the_default_bank(banks, questions) -> None:
    read = read_gift(export_banks(banks, "gift", VARIANTS).decode("utf-8"))
    assert len(read) == sum(VARIANTS if q.params else 1 for q in questions)
    for q in questions:
        found = [r for r in read if r["title"] == q.id or r["title"].startswith(f"{q.id} (seed")]
        assert len(found) == (VARIANTS if q.params else 1), q.id
        for r in found:
            assert r["format"] == "[html]"
            params = matches_prompt(q, r["text"]) if q.params else {}
            if not q.params:
                assert r["text"] == text(q.prompt)
            assert r["general"].startswith(text(q.explanation))
            if q.type == "single":
                assert [a["mark"] for a in r["answers"]] == [
                    "=" if c.correct else "~" for c in q.choices
                ]
            if q.type in ("single", "multiple"):
                assert [a["text"] for a in r["answers"]] == [text(c.text) for c in q.choices]
                assert [a["feedback"] for a in r["answers"]] == [
                    text(c.feedback) for c in q.choices
                ]
            if q.type == "multiple":
                assert [a["weight"] > 0 for a in r["answers"]] == [c.correct for c in q.choices]
                assert sum(a["weight"] for a in r["answers"] if a["weight"] > 0) == (
                    pytest.approx(100, abs=1e-3)
                )
            if q.type == "true_false":
                assert r["truefalse"] is q.answer
                assert r["wrong_feedback"] == text(q.feedback)
            if q.type == "numeric":
                value, tolerance = r["numeric"]
                assert value == pytest.approx(q.answer.correct_value(params))
                assert tolerance == pytest.approx(allowed(q, params))
                assert text(q.feedback) in r["general"]


def test_gift_reader_reads_the_documented_examples() -> None:
    """Examples in the style of Moodle's GIFT documentation, so the reader itself is right."""
    doc = (
        "// question: 1 name: Grant's tomb\n"
        "::Grant's tomb::Who is buried in Grant's tomb in New York City? {\n"
        "=Grant\n~No one\n#Was true for 12 years\n~Napoleon\n#He was buried in France\n}\n\n"
        "::Q2::What two people are entombed in Grant's tomb? {\n"
        "~%-100%No one\n~%50%Grant\n~%50%Grant's wife\n~%-100%Grant's father\n}\n\n"
        "::Q3::When was Ulysses S. Grant born? {#1822:5}\n\n"
        "::Q4::Grant is buried in Grant's tomb.{F#No one is buried there.}\n\n"
        "::Q5::Which is 1 \\= 1? {=yes\\: it is#right ~no####Because \\{math\\}.}\n"
    )
    q1, q2, q3, q4, q5 = read_gift(doc)
    assert [a["mark"] for a in q1["answers"]] == ["=", "~", "~"]
    assert q1["answers"][1]["feedback"] == "Was true for 12 years"
    assert [a["weight"] for a in q2["answers"]] == [-100, 50, 50, -100]
    assert q3["numeric"] == (1822, 5)
    assert q4["truefalse"] is False and q4["wrong_feedback"] == "No one is buried there."
    assert q5["text"] == "Which is 1 = 1?"
    assert q5["answers"][0] == {
        "mark": "=",
        "weight": None,
        "text": "yes: it is",
        "feedback": "right",
    }
    assert q5["general"] == "Because {math}."


TRICKY = """\
  - id: tricky
    type: multiple
    scoring: partial
    prompt: "Cost ~ $x^2$ = {{1}}#not: a comment, \\\\ and **bold** with `v = 0`"
    choices:
      - text: "a = b: yes {x}"
        correct: true
        feedback: "#1 ~ right"
      - text: "~tilde"
        correct: true
      - text: "plain"
        feedback: "wrong: = picks"
    explanation: "Math $\\\\beta$ stays; v_k and a * b * c stay as written."
"""


def test_gift_escapes_every_special_character(write_bank) -> None:
    banks = load_banks([write_bank(bank_text(TRICKY))])
    out = export_banks(banks, "gift").decode("utf-8")
    [r] = read_gift(out)
    q = banks[0].questions[0]
    assert [a["text"] for a in r["answers"]] == [c.text for c in q.choices]
    assert [a["feedback"] for a in r["answers"]] == ["#1 ~ right", "", "wrong: = picks"]
    assert r["answers"][0]["weight"] == pytest.approx(50)
    assert r["answers"][2]["weight"] == pytest.approx(-50)
    assert "Cost ~ $x^2$" in r["text"] and "#not: a comment" in r["text"]
    assert "\\\\(x^2\\\\)" in out  # MathJax delimiters survive GIFT's backslash escape


def test_escape_backslashes_each_special_character() -> None:
    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"


def test_markdown_and_maths_become_html() -> None:
    out = to_html("Use $x^2$ and $$\\sum_i a_i$$, **b**, *c* and `d < e`.\n\nNew paragraph.")
    assert out == (
        "<p>Use \\(x^2\\) and \\[\\sum_i a_i\\], <strong>b</strong>, <em>c</em> and "
        "<code>d &lt; e</code>.</p><p>New paragraph.</p>"
    )
    # Not Markdown: underscores in maths-like text, spaced stars, prices.
    assert to_html("v_k = a * b * c costs $5 or $6", inline=True) == (
        "v_k = a * b * c costs $5 or $6"
    )


# ---------------------------------------------------------------- QTI 1.2


def test_qti_round_trip_of_the_default_bank(banks, questions) -> None:
    items, sections = read_qti(export_banks(banks, "qti", VARIANTS))
    canvas = {
        "single": "multiple_choice_question",
        "multiple": "multiple_answers_question",
        "true_false": "true_false_question",
        "numeric": "numerical_question",
    }
    for q in questions:
        found = [i for i in items if i["ident"] == q.id or i["ident"].startswith(q.id + "-s")]
        assert len(found) == (VARIANTS if q.params else 1), q.id
        for item in found:
            assert item["meta"]["question_type"] == canvas[q.type]
            assert float(item["meta"]["points_possible"]) == q.points
            assert item["feedbacks"].get("general_fb", "") == text(q.explanation)
            params = matches_prompt(q, item["text"]) if q.params else {}
            if not q.params:
                assert item["text"] == text(q.prompt)
            if q.type == "numeric":
                expected = q.answer.correct_value(params)
                assert qti_score(item, expected) == 100
                assert qti_score(item, expected + allowed(q, params) + 1e-3) == 0
                assert item["feedbacks"]["general_incorrect_fb"] == text(q.feedback)
                continue
            labels = list(item["labels"])  # in document order
            texts = [item["labels"][ident] for ident in labels]
            if q.type == "true_false":
                assert texts == ["True", "False"]
                right = labels[0 if q.answer else 1]
                wrong = labels[1 if q.answer else 0]
                assert qti_score(item, {right}) == 100 and qti_score(item, {wrong}) == 0
                assert item["feedbacks"][f"{wrong}_fb"] == text(q.feedback)
                continue
            assert texts == [text(c.text) for c in q.choices]
            assert item["cardinality"] == ["Multiple" if q.type == "multiple" else "Single"]
            for ident, choice in zip(labels, q.choices, strict=True):
                assert item["feedbacks"].get(f"{ident}_fb", "") == text(choice.feedback)
            for chosen in subsets(len(q.choices)):
                if q.type == "single" and len(chosen) != 1:
                    continue
                expected = score(q, frozenset(chosen)).score
                for each_step in (False, True):
                    got = qti_score(item, {labels[i] for i in chosen}, each_step=each_step)
                    assert got / 100 * q.points == pytest.approx(expected, abs=1e-4), chosen
    groups = [s for s in sections if s.get("ident").endswith("-group")]
    assert len(groups) == sum(1 for q in questions if q.params)
    for group in groups:
        assert group.findtext(".//{*}selection_number") == "1"


def test_qti_zip_is_stable_and_named_in_the_manifest(banks) -> None:
    first, second = export_banks(banks, "qti"), export_banks(banks, "qti")
    assert first == second  # same bank, same bytes: no timestamps inside
    import io

    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert names[0] == "imsmanifest.xml" and len(names) == 2


# ---------------------------------------------------------------- CLI


@pytest.mark.parametrize("fmt", ["moodle", "gift", "qti"])
def test_cli_export_writes_a_file_that_reads_back(run_cli, tmp_path, questions, fmt) -> None:
    out = tmp_path / f"bank.{fmt}"
    result = run_cli("export", str(BANKS), "--format", fmt, "--variants", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote ") and f"{len(questions)} questions" in result.stdout
    data = out.read_bytes()
    reader = {
        "moodle": read_moodle,
        "gift": lambda d: read_gift(d.decode()),
        "qti": lambda d: read_qti(d)[0],
    }[fmt]
    with_params = sum(1 for q in questions if q.params)  # each becomes two variants
    assert len(reader(data)) == len(questions) + with_params


def test_cli_export_errors_are_one_line(run_cli, tmp_path) -> None:
    bad = run_cli("export", "--format", "pdf")
    assert bad.returncode == 2 and "invalid choice: 'pdf'" in bad.stderr
    missing = run_cli("export", "--format", "gift", "--bank", "nope", cwd=tmp_path)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr and "nope" in missing.stderr


def test_a_relative_tolerance_becomes_an_absolute_one(write_bank) -> None:
    """README: `expr: "1/3"` without tolerance accepts 0.333 but not 0.33."""
    third = """\
  - id: third
    type: numeric
    prompt: What is 1/3?
    answer: {expr: "1/3"}
"""
    banks = load_banks([write_bank(bank_text(third))])
    [r] = read_moodle(export_banks(banks, "moodle"))
    value, tolerance = float(r["answers"][0]["text"]), float(r["answers"][0]["tolerance"])
    assert abs(0.333 - value) <= tolerance
    assert abs(0.33 - value) > tolerance
    [g] = read_gift(export_banks(banks, "gift").decode())
    assert g["numeric"] == (pytest.approx(value), pytest.approx(tolerance))
