"""The cases real code meets: integer and list inputs, strict gradients, stopping-rule edges,
repeated calls placed where kept state shows."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader.exercises import registry
from grader.judge import cases
from grader.judge.reference import SolutionReference, materialise
from grader.sandbox import protocol
from grader.sandbox.protocol import GradSpec
from grader.sandbox.surfaces import grad_fn_from_spec
from helpers import SOLUTIONS, exercises

REFERENCE = SolutionReference(SOLUTIONS)
SEEDS = [0, 1, 7, 2024, 99_999]


@pytest.mark.parametrize(
    ("theta", "says"),
    [([1.0, 2.0], "got list"), (np.array([1, 2]), "got an array of int64"),
     (np.ones((1, 2)), "got an array of shape (1, 2)"), ((1.0, 2.0), "got tuple")],
)  # fmt: skip
def test_gradients_take_only_a_1d_float_array(theta, says):
    grad = grad_fn_from_spec(GradSpec.quadratic(np.array([1.0, 2.0])).spec)
    with pytest.raises(TypeError, match="grad_fn expects a 1-D float numpy array") as info:
        grad(theta)
    assert says in str(info.value)


def test_a_float32_theta_is_accepted():
    grad = grad_fn_from_spec({"kind": "surface", "name": "ravine"})
    assert np.array_equal(grad(np.array([1.0, 2.0], dtype=np.float32)), [4.0, 2.0])


@pytest.mark.parametrize("value", [np.array([3, -1, 2]), [3, -1, 2], [1.5, -0.5]])
def test_integer_arrays_and_lists_reach_the_worker_as_they_are(value):
    sent = json.loads(protocol.dumps(protocol.encode_arg(value)))
    back = protocol.decode_arg(sent, make_grad=None)
    assert type(back) is type(value)
    assert np.asarray(back).dtype == np.asarray(value).dtype
    assert np.array_equal(back, value)


@pytest.mark.parametrize("name", sorted(registry()))
@pytest.mark.parametrize("seed", SEEDS)
def test_every_exercise_meets_integer_inputs_and_repeated_calls(name, seed):
    built = cases.build(exercises(name), seed)
    forms = [c for c in built if c.group == "forms"]
    assert forms and all(
        any(isinstance(v, list) or (isinstance(v, np.ndarray) and v.dtype.kind == "i")
            for v in c.params.values())
        for c in forms
    )  # fmt: skip
    for c in forms:  # the reference answers integer inputs in float (or with a count)
        expected = REFERENCE.expected(c)
        parts = expected if isinstance(expected, tuple) else (expected,)
        assert all(isinstance(p, int) or np.asarray(p).dtype == np.float64 for p in parts)
    ids = [c.id for c in built]
    repeats = [c for c in built if c.repeats]
    assert len(repeats) >= 2
    for again in repeats:
        first = next(c for c in built if c.id == again.repeats)
        assert ids.index(first.id) < ids.index(again.id)
        assert json.dumps(first.call().to_json()["args"]) == json.dumps(
            again.call().to_json()["args"]
        )
    assert any(ids.index(a.id) == ids.index(a.repeats) + 1 for a in repeats)  # at once
    assert any(ids.index(a.id) > ids.index(a.repeats) + 1 for a in repeats)  # after others


@pytest.mark.parametrize("seed", SEEDS)
def test_every_stopping_rule_is_met_at_its_edge(seed):
    built = {c.id.split("/", 1)[1]: c for c in cases.build(exercises("steps_to_converge"), seed)}
    expected = {k: REFERENCE.expected(c) for k, c in built.items()}
    assert expected["edge/0"] is None  # never
    assert expected["edge/1"] == 0  # converged at the start
    assert expected["edge/2"] == built["edge/2"].params["max_steps"]  # exactly at max_steps
    zero = built["edge/3"].params
    assert expected["edge/3"] == 0 and zero["tol"] == 0 and not np.any(zero["theta0"])
    # The never-converging run comes before most others, and a sensitive case is asked again
    # right after it.
    order = list(built)
    after = order[order.index("edge/0") + 1]
    assert built[after].repeats and order.index("edge/0") < order.index("random/0")


def test_materialised_lists_stay_lists():
    built = cases.build(exercises("optimize"), 3)
    listed = next(c for c in built if isinstance(c.params["theta0"], list))
    assert isinstance(materialise(listed.params)["theta0"], list)
