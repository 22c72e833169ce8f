"""The `judge` fixture of the hidden checks, supplied by grader.judge.runner's collector plugin."""

import pytest

from grader.judge.collector import COLLECTOR
from grader.judge.judging import Judge


@pytest.fixture(scope="session")
def judge(pytestconfig: pytest.Config) -> Judge:
    return pytestconfig.stash[COLLECTOR].judge()
