"""Pure parts: expressions, scoring, reading answers, seeded draws."""

from __future__ import annotations

import pytest

from quiz import expr
from quiz.answers import InvalidAnswer, parse_choices, parse_number, parse_true_false
from quiz.draw import choice_order, plan, select
from quiz.model import Choice, NumericAnswer, Question
from quiz.scoring import score


def question(qtype="single", correct=(1,), n=4, scoring="all_or_nothing", **kw) -> Question:
    choices = tuple(Choice(f"c{i}", correct=i in correct) for i in range(n))
    return Question(
        id="q",
        type=qtype,
        prompt="P",
        bank="b",
        file="f",
        line=1,
        choices=choices,
        scoring=scoring,
        **kw,
    )


@pytest.mark.parametrize(
    ("source", "params", "value"),
    [
        ("-lr * g", {"lr": 0.1, "g": 2}, -0.2),
        ("2 ** 3", {}, 8.0),
        ("sqrt(abs(-4))", {}, 2.0),
        ("max(1, x, 3) + min(x, 0)", {"x": 2}, 3.0),
        ("-(1 - b) / 2", {"b": 0.5}, -0.25),
        ("pi * 0", {}, 0.0),
        ("1e-3 * 2", {}, 0.002),
    ],
)
def test_expr_evaluates_arithmetic(source, params, value) -> None:
    assert expr.parse(source, set(params)).evaluate(params) == pytest.approx(value)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("__import__('os')", "calls"),
        ("x.real", "not plain arithmetic"),
        ("[1][0]", "not plain"),
        ("x if x else 1", "not plain"),
        ("'a' * 3", "not a number"),
        ("lambda: 1", "not plain"),
        ("y + 1", "unknown name `y`"),
        ("x ^ 2", "Write powers with `**`"),
        ("x < 1", "not plain"),
        ("sqrt", "without calling it"),
        ("sqrt(1, 2)", "wrong arguments"),
        ("True + 1", "not a number"),
        ("1 +", "not valid arithmetic"),
        ("x" * 400, "longer than"),
        ("7 % 2", "not plain"),
    ],
)
def test_expr_refuses_anything_but_arithmetic(source, fragment) -> None:
    with pytest.raises(expr.ExprError, match=None) as info:
        expr.parse(source, {"x"})
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("1 / x", "divides by zero"),
        ("10.0 ** 400", "overflows"),
        ("10 ** 10 ** 10", "overflows"),
        ("sqrt(x - 1)", "undefined"),
        ("(x - 1) ** 0.5", "not a real number"),
        ("log(x)", "undefined"),
    ],
)
def test_expr_non_finite_values_are_errors(source, fragment) -> None:
    with pytest.raises(expr.ExprError) as info:
        expr.parse(source, {"x"}).evaluate({"x": 0.0})
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("chosen", "scoring", "points"),
    [
        ({0, 1}, "all_or_nothing", 2.0),
        ({0}, "all_or_nothing", 0.0),
        ({0, 1, 2}, "all_or_nothing", 0),
        ({0, 1}, "partial", 2.0),
        ({0}, "partial", 1.0),
        ({0, 2}, "partial", 0.0),
        ({2, 3}, "partial", 0.0),
        ({0, 1, 2}, "partial", 1.0),
    ],
)
def test_multiple_scoring(chosen, scoring, points) -> None:
    q = question("multiple", correct=(0, 1), scoring=scoring, points=2)
    outcome = score(q, frozenset(chosen))
    assert outcome.score == pytest.approx(points)
    assert outcome.max_score == 2
    assert outcome.correct is (chosen == {0, 1})


def test_single_and_true_false_scoring() -> None:
    q = question(correct=(2,))
    assert score(q, frozenset({2})).score == 1 and score(q, frozenset({2})).correct
    assert score(q, frozenset({1})).score == 0
    tf = Question(id="t", type="true_false", prompt="P", bank="b", file="f", line=1, answer=False)
    assert score(tf, False).correct and not score(tf, True).correct


@pytest.mark.parametrize(
    ("response", "tolerance", "right"),
    [
        (-0.2, 0, True),
        (-0.2000001, 0, False),
        (-0.2000001, 1e-6, True),
        (-0.21, 1e-3, False),
        (0.2, 1e-3, False),
        (-0.1 * 2, 0, True),
    ],
)
def test_numeric_scoring(response, tolerance, right) -> None:
    answer = NumericAnswer(tolerance=tolerance, expr=expr.parse("-lr * g", {"lr", "g"}))
    q = Question(id="n", type="numeric", prompt="P", bank="b", file="f", line=1, answer=answer)
    assert score(q, response, {"lr": 0.1, "g": 2.0}).correct is right


@pytest.mark.parametrize(
    ("text", "multiple", "expected"),
    [
        ("b", False, (1,)),
        ("B", False, (1,)),
        ("2", False, (1,)),
        (" c ", False, (2,)),
        ("a,c", True, (0, 2)),
        ("a c", True, (0, 2)),
        ("A, C", True, (0, 2)),
        ("1 3", True, (0, 2)),
        ("c,a,c", True, (2, 0)),
        ("ac", True, (0, 2)),
    ],
)
def test_parse_choices(text, multiple, expected) -> None:
    assert parse_choices(text, 4, multiple=multiple) == expected


@pytest.mark.parametrize(
    ("text", "multiple", "reason"),
    [
        ("", False, "no answer given"),
        ("e", False, "`e` is not a choice"),
        ("5", False, "not a choice"),
        ("a,b", False, "choose only one"),
        ("0", True, "not a choice"),
        ("hello", True, "not a choice"),
    ],
)
def test_parse_choices_rejects(text, multiple, reason) -> None:
    with pytest.raises(InvalidAnswer) as info:
        parse_choices(text, 4, multiple=multiple)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a", True),
        ("B", False),
        ("t", True),
        ("f", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("2", False),
    ],
)
def test_parse_true_false(text, value) -> None:
    assert parse_true_false(text) is value


@pytest.mark.parametrize("text", ["", "maybe", "c"])
def test_parse_true_false_rejects(text) -> None:
    with pytest.raises(InvalidAnswer):
        parse_true_false(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.001", 0.001), ("1e-3", 0.001), ("-0.2", -0.2), ("−0.2", -0.2), ("1,5", 1.5), ("+3", 3.0)],
)
def test_parse_number(text, value) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1/2", "0.1.2"])
def test_parse_number_rejects(text) -> None:
    with pytest.raises(InvalidAnswer):
        parse_number(text)


def test_pins_stay_in_place_whatever_the_seed() -> None:
    import random

    choices = (
        Choice("first", pin="first"),
        *(Choice(f"c{i}") for i in range(5)),
        Choice("last", pin="last", correct=True),
    )
    q = Question(id="p", type="single", prompt="P", bank="b", file="f", line=1, choices=choices)
    orders = {choice_order(q, random.Random(seed), True) for seed in range(40)}
    assert len(orders) > 5  # it does shuffle
    assert all(o[0] == 0 and o[-1] == 6 and sorted(o) == list(range(7)) for o in orders)
    assert choice_order(q, random.Random(1), False) == tuple(range(7))


def test_plan_is_reproducible_from_the_seed() -> None:
    qs = [
        question(correct=(0,)).__class__(
            **{**question().__dict__, "id": f"q{i}", "params": (("x", (1.0, 2.0, 3.0)),)}
        )
        for i in range(8)
    ]
    first, again, other = plan(qs, 5), plan(qs, 5), plan(qs, 6)
    assert first == again
    assert first != other
    assert [i.question.id for i in plan(qs, 5, shuffle=False)] == [f"q{i}" for i in range(8)]
    assert len(plan(qs, 5, count=3)) == 3
    assert all(i.variant["x"] in (1.0, 2.0, 3.0) for i in first)


def test_select_by_tag_is_case_insensitive() -> None:
    a = Question(
        id="a",
        type="true_false",
        prompt="P",
        bank="b",
        file="f",
        line=1,
        answer=True,
        tags=("Beta",),
    )
    b = Question(id="b", type="true_false", prompt="P", bank="b", file="f", line=1, answer=True)
    assert select([a, b], ["beta"]) == [a]
    assert select([a, b], []) == [a, b]
