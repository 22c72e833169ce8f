"""Project-wide test rules.

A test skipped in CI is a test that does not exist: when MOMENTUM_LAB_STRICT_SKIPS is set (as
.ci/run sets it), a skip counts as a failure unless the test is marked
``@pytest.mark.platform("why")``, for what a platform cannot have (a Linux-only feature on
macOS, say).
"""

from __future__ import annotations

import os

import pytest

STRICT = "MOMENTUM_LAB_STRICT_SKIPS"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if not (os.environ.get(STRICT) and report.skipped):
        return
    if item.get_closest_marker("platform") is not None or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in a strict run ({STRICT} is set): {reason}. Install what the test needs in "
        ".ci/run or the [test] extra, or mark it @pytest.mark.platform(...) if the platform "
        "cannot have it."
    )
