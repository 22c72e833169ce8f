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
    # A batch parametrizes each check over the students: where a check function is defined is
    # looked up once, not once per student (pytest stats the file each time).
    where: dict[Any, tuple[Any, Any]] = {}
    for item in items:
        function = getattr(item, "function", None)
        if function is not None:
            if function not in where:
                where[function] = item.reportinfo()[:2]
            item.reportinfo = lambda _item=item, _at=where[function]: (*_at, _item.getmodpath())
        original = item.repr_failure

        def repr_failure(excinfo: Any, style: Any = None, _original: Any = original) -> Any:
            if isinstance(excinfo.value, Verdict):
                return str(excinfo.value)
            return _original(excinfo, style)

        item.repr_failure = repr_failure
