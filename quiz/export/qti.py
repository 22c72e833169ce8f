"""IMS QTI 1.2 in a Canvas-importable zip: imsmanifest.xml and one assessment file.

Items follow what Canvas exports itself (question_type and points_possible metadata,
`general_fb` and per-choice `<itemfeedback>`, `SCORE` 0–100). The variants of one numeric
question go into a section that selects one of them: a Canvas "question group".
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from itertools import groupby

from quiz.export.common import ExportQuestion, number, to_html

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CANVAS_TYPES = {
    "single": "multiple_choice_question",
    "multiple": "multiple_answers_question",
    "true_false": "true_false_question",
    "numeric": "numerical_question",
}
RESPONSE = "response1"


def _mattext(parent: ET.Element, text: str, *, inline: bool = False) -> None:
    material = ET.SubElement(parent, "material")
    html = to_html(text, inline=inline)
    ET.SubElement(material, "mattext", {"texttype": "text/html"}).text = html


def _metadata(parent: ET.Element, fields: dict[str, str]) -> None:
    meta = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields.items():
        field = ET.SubElement(meta, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _condition(parent: ET.Element, cont: bool) -> tuple[ET.Element, ET.Element]:
    cond = ET.SubElement(parent, "respcondition", {"continue": "Yes" if cont else "No"})
    return cond, ET.SubElement(cond, "conditionvar")


def _setvar(cond: ET.Element, value: float, action: str = "Set") -> None:
    attrs = {"action": action, "varname": "SCORE"}
    ET.SubElement(cond, "setvar", attrs).text = number(round(value, 5))


def _feedback_ref(cond: ET.Element, ident: str) -> None:
    ET.SubElement(cond, "displayfeedback", {"feedbacktype": "Response", "linkrefid": ident})


def _item(section: ET.Element, q: ExportQuestion) -> None:
    item = ET.SubElement(section, "item", {"ident": q.ident, "title": q.name})
    meta = {"question_type": CANVAS_TYPES[q.type], "points_possible": number(q.points)}
    if q.choices:
        meta["original_answer_ids"] = ",".join(f"{q.ident}-{i}" for i in range(len(q.choices)))
    _metadata(ET.SubElement(item, "itemmetadata"), meta)
    presentation = ET.SubElement(item, "presentation")
    _mattext(presentation, q.prompt)
    if q.type == "numeric":
        resp = ET.SubElement(
            presentation, "response_str", {"ident": RESPONSE, "rcardinality": "Single"}
        )
        fib = ET.SubElement(resp, "render_fib", {"fibtype": "Decimal"})
        ET.SubElement(fib, "response_label", {"ident": "answer1"})
    else:
        card = "Multiple" if q.type == "multiple" else "Single"
        resp = ET.SubElement(
            presentation, "response_lid", {"ident": RESPONSE, "rcardinality": card}
        )
        render = ET.SubElement(resp, "render_choice", {"shuffle": "Yes" if q.shuffle else "No"})
        for i, choice in enumerate(q.choices):
            label = ET.SubElement(render, "response_label", {"ident": f"{q.ident}-{i}"})
            _mattext(label, choice.text, inline=True)
    feedbacks = _resprocessing(item, q)
    for ident, text in feedbacks:
        node = ET.SubElement(item, "itemfeedback", {"ident": ident})
        _mattext(ET.SubElement(node, "flow_mat"), text)


def _resprocessing(item: ET.Element, q: ExportQuestion) -> list[tuple[str, str]]:
    """Scoring and feedback conditions; returns the (ident, text) feedbacks they refer to."""
    proc = ET.SubElement(item, "resprocessing")
    ET.SubElement(
        ET.SubElement(proc, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    feedbacks: list[tuple[str, str]] = []
    if q.explanation:
        cond, var = _condition(proc, True)
        ET.SubElement(var, "other")
        _feedback_ref(cond, "general_fb")
        feedbacks.append(("general_fb", q.explanation))
    if q.type == "numeric":
        assert q.value is not None
        cond, var = _condition(proc, False)
        either = ET.SubElement(var, "or")
        ET.SubElement(either, "varequal", {"respident": RESPONSE}).text = number(q.value)
        both = ET.SubElement(either, "and")
        low, high = q.value - q.tolerance, q.value + q.tolerance
        ET.SubElement(both, "vargte", {"respident": RESPONSE}).text = number(low)
        ET.SubElement(both, "varlte", {"respident": RESPONSE}).text = number(high)
        _setvar(cond, 100)
        if q.feedback:
            cond, var = _condition(proc, False)
            ET.SubElement(var, "other")
            _feedback_ref(cond, "general_incorrect_fb")
            feedbacks.append(("general_incorrect_fb", q.feedback))
        return feedbacks
    for i, choice in enumerate(q.choices):
        if choice.feedback:
            cond, var = _condition(proc, True)
            ET.SubElement(var, "varequal", {"respident": RESPONSE}).text = f"{q.ident}-{i}"
            _feedback_ref(cond, f"{q.ident}-{i}_fb")
            feedbacks.append((f"{q.ident}-{i}_fb", choice.feedback))
    if q.type == "multiple" and q.partial:
        # (right − wrong picks) / right choices, clamped by the decvar's 0–100. Right choices
        # first: an engine that clamps after every step then gives the same score.
        ranked = sorted(enumerate(q.choices), key=lambda pair: not pair[1].correct)
        for i, choice in ranked:
            cond, var = _condition(proc, True)
            ET.SubElement(var, "varequal", {"respident": RESPONSE}).text = f"{q.ident}-{i}"
            _setvar(cond, choice.fraction, "Add")
    cond, var = _condition(proc, False)
    target = ET.SubElement(var, "and") if q.type == "multiple" else var
    for i, choice in enumerate(q.choices):
        if choice.correct:
            ET.SubElement(target, "varequal", {"respident": RESPONSE}).text = f"{q.ident}-{i}"
        elif q.type == "multiple":  # the exact set: Canvas reads its right answers from here
            wrong = ET.SubElement(target, "not")
            ET.SubElement(wrong, "varequal", {"respident": RESPONSE}).text = f"{q.ident}-{i}"
    _setvar(cond, 100)
    return feedbacks


def assessment(questions: Sequence[ExportQuestion], ident: str, title: str) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    test = ET.SubElement(root, "assessment", {"ident": ident, "title": title})
    _metadata(test, {"cc_maxattempts": "1"})
    top = ET.SubElement(test, "section", {"ident": "root_section"})
    for group, members in groupby(questions, key=lambda q: q.group):
        members = list(members)
        if group is None:
            for q in members:
                _item(top, q)
            continue
        section = ET.SubElement(top, "section", {"ident": f"{group}-group", "title": group})
        ordering = ET.SubElement(section, "selection_ordering")
        selection = ET.SubElement(ordering, "selection")
        ET.SubElement(selection, "selection_number").text = "1"
        extension = ET.SubElement(selection, "selection_extension")
        ET.SubElement(extension, "points_per_item").text = number(members[0].points)
        for q in members:
            _item(section, q)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def manifest(ident: str, title: str, href: str) -> bytes:
    root = ET.Element("manifest", {"identifier": f"{ident}-manifest", "xmlns": CP_NS})
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(
        resources, "resource", {"identifier": ident, "type": "imsqti_xmlv1p2", "href": href}
    )
    ET.SubElement(resource, "file", {"href": href})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write(questions: Sequence[ExportQuestion], titles: dict[str, str]) -> bytes:
    """The zip to upload in Canvas (Import course content → QTI .zip file)."""
    ident = "-".join(titles) or "quiz"
    title = ", ".join(titles.values()) or "Quiz"
    href = f"{ident}/{ident}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date makes the same bank export to the same bytes.
        for name, data in (
            ("imsmanifest.xml", manifest(ident, title, href)),
            (href, assessment(questions, ident, title)),
        ):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
