"""Arithmetic-only expressions for numeric answers: a bank can never run code.

The expression is parsed with `ast` and every node is checked against a short allow-list;
evaluation walks the tree itself (no `eval`) and works in floats, so `10 ** 10 ** 10`
overflows at once instead of building a huge integer.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

MAX_LENGTH = 300

FUNCTIONS: dict[str, tuple[Callable[..., float], int]] = {
    # name: (function, number of arguments; 0 means one or more)
    "sqrt": (math.sqrt, 1),
    "abs": (abs, 1),
    "exp": (math.exp, 1),
    "log": (math.log, 1),
    "min": (min, 0),
    "max": (max, 0),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
RESERVED = frozenset(FUNCTIONS) | frozenset(CONSTANTS)


def _pow(base: float, exponent: float) -> float:
    result = operator.pow(base, exponent)
    if isinstance(result, complex):  # a negative base to a fractional power
        raise ValueError(f"{base} ** {exponent} is not a real number")
    return result


_BINARY: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: _pow,
}
_UNARY: dict[type, Callable[[float], float]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}
ALLOWED = "numbers, params, + - * / **, parentheses and " + ", ".join(FUNCTIONS)


class ExprError(ValueError):
    """The expression is not allowed, or cannot be evaluated for some params."""


@dataclass(frozen=True, eq=False)
class Expr:
    source: str
    tree: ast.Expression

    def evaluate(self, params: Mapping[str, float]) -> float:
        """The value for these params; raises ExprError unless it is a finite real number."""
        try:
            value = _eval(self.tree.body, params)
        except ZeroDivisionError:
            raise ExprError("divides by zero") from None
        except OverflowError:
            raise ExprError("overflows") from None
        except ValueError as exc:  # math domain errors: sqrt(-1), log(0)
            raise ExprError(f"is undefined ({exc})") from None
        if isinstance(value, complex) or not math.isfinite(value):
            raise ExprError(f"gives {value}, not a finite real number")
        return float(value)


def parse(source: str, names: set[str] | frozenset[str]) -> Expr:
    """Check `source` uses only arithmetic over `names`; raise ExprError saying what to change."""
    if len(source) > MAX_LENGTH:
        raise ExprError(f"is longer than {MAX_LENGTH} characters. Simplify it")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"is not valid arithmetic ({exc.msg}). Use {ALLOWED}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("is too deeply nested. Simplify it") from None
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    for node in ast.walk(tree):
        if id(node) not in called:  # a called name is checked with its call
            _check(node, names)
    return Expr(source, tree)


def _check(node: ast.AST, names: set[str] | frozenset[str]) -> None:
    if isinstance(node, ast.Expression | ast.Load) or type(node) in _BINARY or type(node) in _UNARY:
        return
    if isinstance(node, ast.BinOp | ast.UnaryOp):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
            raise ExprError("uses `^`. Write powers with `**`, e.g. `beta ** 2`")
        if type(node.op) not in _BINARY and type(node.op) not in _UNARY:
            raise ExprError(
                f"uses `{ast.unparse(node)}`, which is not plain arithmetic. Use only {ALLOWED}"
            )
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExprError(
                f"contains `{ast.unparse(node)}`, which is not a number. Use only {ALLOWED}"
            )
        return
    if isinstance(node, ast.Name):
        if node.id in names or node.id in CONSTANTS:
            return
        if node.id in FUNCTIONS:
            raise ExprError(
                f"uses the function `{node.id}` without calling it. Write `{node.id}(...)`"
            )
        known = sorted(names)
        hint = difflib.get_close_matches(node.id, known + list(CONSTANTS), n=1)
        suggestion = f"Did you mean `{hint[0]}`? " if hint else ""
        listed = ", ".join(known) if known else "none"
        raise ExprError(
            f"uses the unknown name `{node.id}`. {suggestion}"
            f"Use only the question's params (here: {listed}), pi and e"
        )
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExprError(
                f"calls `{ast.unparse(node.func)}`. Only {', '.join(FUNCTIONS)} can be called"
            )
        arity = FUNCTIONS[node.func.id][1]
        if node.keywords or (arity and len(node.args) != arity) or not node.args:
            raise ExprError(
                f"calls `{node.func.id}` with the wrong arguments. Write e.g. `{node.func.id}(x)`"
            )
        return
    raise ExprError(
        f"uses `{ast.unparse(node)}`, which is not plain arithmetic. Use only {ALLOWED}"
    )


def _eval(node: ast.AST, params: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(params[node.id]) if node.id in params else CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, params), _eval(node.right, params))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_eval(node.operand, params))
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return FUNCTIONS[node.func.id][0](*(_eval(a, params) for a in node.args))
    raise ExprError(f"cannot evaluate `{ast.unparse(node)}`")
