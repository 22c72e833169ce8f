"""The `judge` fixture of the hidden checks, supplied by grader.judge.runner's collector plugin."""

from typing import Any

import pytest

from grader.judge.collector import COLLECTOR
from grader.judge.judging import Judge
from grader.verdict import Verdict


@pytest.fixture(scope="session")
def judge(pytestconfig: pytest.Config) -> Judge:
    return pytestconfig.stash[COLLECTOR].judge()


def pytest_collection_modifyitems(items: list[Any]) -> None:
    # A verdict's message is the whole report: skip pytest's traceback formatting, which costs
    # about 0.1 s per failing check and is never shown.
    for item in items:
        original = item.repr_failure

        def repr_failure(excinfo: Any, style: Any = None, _original: Any = original) -> Any:
            if isinstance(excinfo.value, Verdict):
                return str(excinfo.value)
            return _original(excinfo, style)

        item.repr_failure = repr_failure
