"""Independent readers for the LMS exports, written from the formats' documentation.

They share nothing with quiz/export: Moodle XML and QTI are read with xml.etree, GIFT with a
small tokenizer for its documented syntax. Each returns plain dicts the tests compare with
the bank. HTML is reduced to text (tags dropped, entities decoded, MathJax delimiters back to $).
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"

# IMS QTI 1.2 ASI information model: the children of <item>, in the order the DTD allows.
ITEM_ORDER = (
    "qticomment",
    "duration",
    "itemmetadata",
    "objectives",
    "itemcontrol",
    "itemprecondition",
    "itempostcondition",
    "itemrubric",
    "rubric",
    "presentation",
    "resprocessing",
    "itemproc_extension",
    "itemfeedback",
    "reference",
)


def plain(text: str | None) -> str:
    """HTML → text as a reader sees it; whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = html.unescape(text)
    text = text.replace("\\(", "$").replace("\\)", "$").replace("\\[", "$$").replace("\\]", "$$")
    return " ".join(text.split())


# ---------------------------------------------------------------- Moodle XML


def read_moodle(data: bytes) -> list[dict]:
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    out = []
    category = None
    for q in root.findall("question"):
        kind = q.get("type")
        if kind == "category":
            category = q.findtext("category/text")
            continue
        answers = [
            {
                "fraction": float(a.get("fraction")),
                "text": a.findtext("text"),
                "feedback": plain(a.findtext("feedback/text")),
                "tolerance": a.findtext("tolerance"),
            }
            for a in q.findall("answer")
        ]
        out.append(
            {
                "type": kind,
                "category": category,
                "name": q.findtext("name/text"),
                "idnumber": q.findtext("idnumber"),
                "format": q.find("questiontext").get("format"),
                "text": plain(q.findtext("questiontext/text")),
                "general": plain(q.findtext("generalfeedback/text")),
                "points": float(q.findtext("defaultgrade")),
                "single": q.findtext("single"),
                "answers": answers,
            }
        )
    return out


# ---------------------------------------------------------------- GIFT


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _split(text: str, marks: str) -> list[str]:
    """Split at unescaped characters in `marks`, keeping each mark at the start of its part."""
    parts, current, i = [], "", 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if ch in marks:
            parts.append(current)
            current = ""
        current += ch
        i += 1
    parts.append(current)
    return parts


def read_gift(text: str) -> list[dict]:
    """Questions of a GIFT file: title, text, answers (mark, weight, text, feedback), general."""
    out = []
    category = None
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if not ln.lstrip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        if body.startswith("$CATEGORY:"):
            category = body.split(":", 1)[1].strip()
            continue
        match = re.match(r"::((?:[^:\\]|\\.)*)::(\[\w+\])?", body)
        assert match, body
        title, fmt = _unescape(match.group(1)), match.group(2)
        rest = body[match.end() :]
        opening = _split(rest, "{")
        assert len(opening) == 2, rest
        question_text = opening[0]
        closing = _split(opening[1][1:], "}")
        assert len(closing) == 2 and closing[1].strip() == "}", closing
        answer_text = closing[0]
        general = None
        if "####" in answer_text:
            answer_text, general = answer_text.split("####", 1)
        entry = {
            "title": title,
            "format": fmt,
            "category": category,
            "text": plain(_unescape(question_text)),
            "answers": [],
            "general": plain(_unescape(general)) if general else "",
        }
        body = answer_text.strip()
        if body.startswith("#"):  # numeric: #value:tolerance
            value, tol = body[1:].split(":")
            entry["numeric"] = (float(value), float(tol))
        elif re.match(r"(TRUE|FALSE|T|F)\b", body):
            head, *feedback = _split(body, "#")
            entry["truefalse"] = head.strip() in ("TRUE", "T")
            entry["wrong_feedback"] = plain(_unescape(feedback[0][1:])) if feedback else ""
        else:
            for part in _split(body, "=~")[1:]:
                mark, part = part[0], part[1:]
                weight = None
                m = re.match(r"%(-?[\d.]+)%", part)
                if m:
                    weight, part = float(m.group(1)), part[m.end() :]
                answer, *feedback = _split(part, "#")
                entry["answers"].append(
                    {
                        "mark": mark,
                        "weight": weight,
                        "text": plain(_unescape(answer)),
                        "feedback": plain(_unescape(feedback[0][1:])) if feedback else "",
                    }
                )
        out.append(entry)
    return out


# ---------------------------------------------------------------- QTI 1.2


def read_qti(data: bytes) -> tuple[list[dict], list[ET.Element]]:
    """The items of the zip's assessment (checked against the manifest), and its sections."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert resources and all(r.get("type") == "imsqti_xmlv1p2" for r in resources)
    hrefs = [f.get("href") for r in resources for f in r.findall(f"{CP}file")]
    assert set(hrefs) <= set(archive.namelist()), (hrefs, archive.namelist())
    root = ET.fromstring(archive.read(hrefs[0]))
    assert root.tag == f"{QTI}questestinterop"
    sections = list(root.iter(f"{QTI}section"))
    return [_qti_item(item) for item in root.iter(f"{QTI}item")], sections


def _qti_item(item: ET.Element) -> dict:
    names = [child.tag.removeprefix(QTI) for child in item]
    positions = [ITEM_ORDER.index(n) for n in names]
    assert positions == sorted(positions), f"children out of QTI 1.2 order: {names}"
    meta = {
        f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
        for f in item.iter(f"{QTI}qtimetadatafield")
    }
    presentation = item.find(f"{QTI}presentation")
    prompt = presentation.find(f"{QTI}material/{QTI}mattext")
    responses = {r.get("ident") for r in presentation if r.tag.startswith(f"{QTI}response_")}
    labels = {
        label.get("ident"): plain(label.findtext(f"{QTI}material/{QTI}mattext"))
        for label in presentation.iter(f"{QTI}response_label")
    }
    feedbacks = {
        fb.get("ident"): plain(fb.findtext(f"{QTI}flow_mat/{QTI}material/{QTI}mattext"))
        for fb in item.findall(f"{QTI}itemfeedback")
    }
    conditions = item.findall(f"{QTI}resprocessing/{QTI}respcondition")
    for cond in conditions:
        for var in cond.iter():
            if var.get("respident") is not None:
                assert var.get("respident") in responses
        for ref in cond.findall(f"{QTI}displayfeedback"):
            assert ref.get("linkrefid") in feedbacks, ref.get("linkrefid")
    return {
        "ident": item.get("ident"),
        "meta": meta,
        "text": plain(prompt.text),
        "cardinality": [r.get("rcardinality") for r in presentation if r.get("rcardinality")],
        "labels": labels,
        "feedbacks": feedbacks,
        "conditions": conditions,
        "decvar": item.find(f"{QTI}resprocessing/{QTI}outcomes/{QTI}decvar"),
    }


def qti_score(item: dict, response: set[str] | float, *, each_step: bool = False) -> float:
    """SCORE after QTI 1.2 response processing of `response`, clamped to the decvar.

    The specification leaves open whether an engine clamps at the end or after every
    `setvar`; `each_step` picks the second reading.
    """
    low, high = float(item["decvar"].get("minvalue")), float(item["decvar"].get("maxvalue"))
    score = 0.0
    for cond in item["conditions"]:
        test = cond.find(f"{QTI}conditionvar")
        if not all(_holds(child, response) for child in test):
            continue
        for setvar in cond.findall(f"{QTI}setvar"):
            value = float(setvar.text)
            score = value if setvar.get("action") == "Set" else score + value
            if each_step:
                score = min(high, max(low, score))
        if cond.get("continue") == "No":
            break
    return min(high, max(low, score))


def _holds(node: ET.Element, response) -> bool:
    tag = node.tag.removeprefix(QTI)
    if tag == "other":
        return True
    if tag == "and":
        return all(_holds(c, response) for c in node)
    if tag == "or":
        return any(_holds(c, response) for c in node)
    if tag == "not":
        return not all(_holds(c, response) for c in node)
    if isinstance(response, float):
        value = float(node.text)
        return {
            "varequal": response == value,
            "vargte": response >= value,
            "varlte": response <= value,
        }[tag]
    assert tag == "varequal", tag
    return node.text in response
