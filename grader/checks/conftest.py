"""The `judge` fixture of the hidden checks, supplied by grader.runner's collector plugin."""

import pytest

from grader.collector import COLLECTOR
from grader.judging import Judge


@pytest.fixture(scope="session")
def judge(pytestconfig: pytest.Config) -> Judge:
    return pytestconfig.stash[COLLECTOR].judge()
