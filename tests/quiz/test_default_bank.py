"""The shipped bank: valid, against the JSON Schema too, and good enough to teach with."""

from __future__ import annotations

import json

import pytest
from conftest import BANKS, SCHEMA

from quiz.bank import bank_files, load_banks
from quiz.yamlio import load_tree, plain


@pytest.fixture(scope="module")
def questions():
    banks = load_banks(bank_files([BANKS]))
    return {q.id: q for b in banks for q in b.questions}


def test_shipped_banks_match_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    files = bank_files([BANKS])
    assert files
    for file in files:
        tree, problems = load_tree(file.read_text(encoding="utf-8"), str(file))
        assert problems == []
        errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(plain(tree))]
        assert errors == [], file
        assert file.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../schema/bank.schema.json\n"
        )


def test_at_least_15_questions_each_explained(questions) -> None:
    assert len(questions) >= 15
    for q in questions.values():
        assert q.explanation, q.id
        wrong = [c for c in q.choices if not c.correct]
        assert all(c.feedback for c in wrong), f"{q.id}: a wrong choice has no feedback"
        if q.type in ("true_false", "numeric"):
            assert q.feedback, q.id


def test_the_lessons_question(questions) -> None:
    q = questions["momentum-effect"]
    assert q.type == "single"
    assert q.prompt.startswith("Which of the following statements best describes the effect")
    assert sum(c.correct for c in q.choices) == 1 and len(q.choices) == 4
    (right,) = [c for c in q.choices if c.correct]
    assert "velocity" in right.text


def test_every_type_and_topic_is_covered(questions) -> None:
    types = {q.type for q in questions.values()}
    assert types == {"single", "multiple", "true_false", "numeric"}
    tags = {t for q in questions.values() for t in q.tags}
    for topic in (
        "update-rule",
        "beta",
        "velocity",
        "ravine",
        "intuition",
        "steady-state",
        "comparison",
        "nesterov",
        "numeric",
    ):
        assert topic in tags


def _momentum(grad, theta, alpha, beta, steps):
    v = [0.0] * len(theta)
    for _ in range(steps):
        g = grad(theta)
        v = [beta * vi - alpha * gi for vi, gi in zip(v, g, strict=True)]
        theta = [t + vi for t, vi in zip(theta, v, strict=True)]
    return theta


def test_ravine_answers_match_a_run_with_the_true_gradient(questions) -> None:
    def f(p):
        return 0.5 * (4 * p[0] ** 2 + p[1] ** 2)

    def grad(p):
        return [4 * p[0], p[1]]

    h = 1e-6  # the gradient the bank teaches, (4x, y), agrees with finite differences
    for point in ([2.0, 2.0], [1.2, 1.8], [-0.7, 0.3]):
        fd = [
            (f([point[0] + h, point[1]]) - f([point[0] - h, point[1]])) / (2 * h),
            (f([point[0], point[1] + h]) - f([point[0], point[1] - h])) / (2 * h),
        ]
        assert fd == pytest.approx(grad(point), abs=1e-5)
    x2, y2 = _momentum(grad, [2.0, 2.0], 0.1, 0.9, 2)
    assert y2 == pytest.approx(questions["ravine-two-steps"].answer.value)
    assert x2 == pytest.approx(0.0, abs=1e-12)


def test_numeric_exprs_match_the_update_rule(questions) -> None:
    beta, lr, g0, g1 = 0.9, 0.5, 4.0, -2.0
    v1 = beta * 0 - lr * g0
    v2 = beta * v1 - lr * g1
    params = {"beta": beta, "lr": lr, "g0": g0, "g1": g1}
    assert questions["second-velocity"].answer.correct_value(params) == pytest.approx(v2)
    assert questions["first-velocity"].answer.correct_value({"beta": 0.9, "lr": lr, "g": g0}) == v1
    v = 0.0
    for _ in range(5000):
        v = 0.9 * v - 0.1 * 2
    steady = questions["steady-state-numeric"].answer.correct_value(
        {"g": 2, "lr": 0.1, "beta": 0.9}
    )
    assert steady == pytest.approx(v)
