"""The JSON Schema (for editors) and `quiz validate` agree on every example there is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO, SCHEMA, SINGLE, bank_text

from quiz.bank import check_files
from quiz.yamlio import load_tree, plain

jsonschema = pytest.importorskip("jsonschema")

README = REPO / "quiz" / "README.md"


def readme_banks() -> list[tuple[str, str]]:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    banks = [b for b in blocks if "schema_version:" in b]
    assert banks, "the README has no complete bank example"
    return [(f"README block {i}", b) for i, b in enumerate(banks, start=1)]


def bank_files() -> list[tuple[str, str]]:
    paths = [
        *sorted((REPO / "tests" / "quiz").rglob("*.y*ml")),
        *(REPO / "quiz" / "banks").glob("*"),
    ]
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths if p.suffix in (".yaml", ".yml")]


ONE = bank_text(SINGLE.format(qid="a"))
NUMERIC = "  - id: n\n    type: numeric\n    prompt: P\n    answer: {answer}\n"
CASES = [
    ("tolerance 1e-6", ONE + NUMERIC.format(answer="{value: 0.5, tolerance: 1e-6}"), True),
    ("draft", ONE.replace("title:", "draft: true\ntitle:"), True),
    ("correct: yes", ONE.replace("correct: true", "correct: yes"), False),
    ('schema_version "1"', ONE.replace("schema_version: 1", 'schema_version: "1"'), False),
    ("draft: yes", ONE.replace("title:", "draft: yes\ntitle:"), False),
    ("answer: 1/2", bank_text(NUMERIC.format(answer="1/2")), False),
    ("suggested expr", bank_text(NUMERIC.format(answer='{expr: "1/2"}')), True),
]

EXAMPLES = readme_banks() + bank_files() + [(name, text) for name, text, _ in CASES]


@pytest.mark.parametrize(("name", "text"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_schema_and_validator_agree(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = check_files([path])
    tree, syntax = load_tree(text, "bank.yaml")
    assert not syntax or problems  # a file that does not parse is invalid for both
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(plain(tree))) if tree else ["x"]
    assert (problems == []) == (errors == []), (
        problems,
        [getattr(e, "message", e) for e in errors],
    )


@pytest.mark.parametrize(("name", "text", "valid"), CASES, ids=[c[0] for c in CASES])
def test_the_cases_are_what_they_claim(tmp_path: Path, name: str, text: str, valid: bool) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    assert (check_files([path])[1] == []) is valid
