"""Moodle XML: a `<quiz>` of categories and multichoice / truefalse / numerical questions.

Text is written as HTML (format="html"), not format="markdown": Markdown treats `\\(` as an
escaped parenthesis, which would strip the MathJax delimiters that `$…$` turns into.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from quiz.export.common import ExportQuestion, number, to_html

TYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "numeric": "numerical",
}


def _text(parent: ET.Element, tag: str, text: str | None, *, html: bool = True) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(node, "text").text = to_html(text) if (html and text) else (text or "")
    return node


def _fraction(value: float) -> str:
    # Moodle matches weights against its list of grades (33.33333, 14.28571…) to 7 places.
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _category(root: ET.Element, path: str, info: str) -> None:
    question = ET.SubElement(root, "question", {"type": "category"})
    category = ET.SubElement(question, "category")
    ET.SubElement(category, "text").text = f"$course$/top/{path}"
    _text(question, "info", info)


def _question(root: ET.Element, q: ExportQuestion) -> None:
    node = ET.SubElement(root, "question", {"type": TYPES[q.type]})
    name = ET.SubElement(node, "name")
    ET.SubElement(name, "text").text = q.name
    _text(node, "questiontext", q.prompt)
    _text(node, "generalfeedback", q.explanation)
    ET.SubElement(node, "defaultgrade").text = number(q.points)
    ET.SubElement(node, "penalty").text = "0"
    ET.SubElement(node, "hidden").text = "0"
    ET.SubElement(node, "idnumber").text = q.ident
    if q.type in ("single", "multiple"):
        ET.SubElement(node, "single").text = "true" if q.type == "single" else "false"
        ET.SubElement(node, "shuffleanswers").text = "true" if q.shuffle else "false"
        ET.SubElement(node, "answernumbering").text = "abc"
    if q.type == "numeric":
        assert q.value is not None
        answer = ET.SubElement(node, "answer", {"fraction": "100", "format": "moodle_auto_format"})
        ET.SubElement(answer, "text").text = number(q.value)
        _text(answer, "feedback", None)
        ET.SubElement(answer, "tolerance").text = number(q.tolerance)
        # `*` matches any other answer: the way Moodle shows feedback for a wrong number.
        other = ET.SubElement(node, "answer", {"fraction": "0", "format": "moodle_auto_format"})
        ET.SubElement(other, "text").text = "*"
        _text(other, "feedback", q.feedback)
        ET.SubElement(other, "tolerance").text = "0"
    for choice in q.choices:
        fmt = "moodle_auto_format" if q.type == "true_false" else "html"
        answer = ET.SubElement(
            node, "answer", {"fraction": _fraction(choice.fraction), "format": fmt}
        )
        text = choice.text.lower() if q.type == "true_false" else to_html(choice.text, inline=True)
        ET.SubElement(answer, "text").text = text
        _text(answer, "feedback", choice.feedback)
    if q.tags:
        tags = ET.SubElement(node, "tags")
        for tag in q.tags:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    node.append(ET.Comment(f" momentum-lab quiz: {q.ident} "))


def write(questions: Sequence[ExportQuestion], titles: dict[str, str]) -> bytes:
    """The Moodle XML file; each bank is a category, each group of variants a subcategory."""
    root = ET.Element("quiz")
    current = None
    for q in questions:
        if q.category != current:
            bank = q.category.split("/")[0]
            info = titles.get(bank, bank)
            if q.group:
                info = f"Variants of {q.group}: add a random question from this category."
            _category(root, q.category, info)
            current = q.category
        _question(root, q)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
