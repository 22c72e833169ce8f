"""Which launcher batch grading uses: the one place that decides between the fork server and
fresh workers.

The fork server (zygote.py) needs fork, fd passing and SOCK_SEQPACKET: Linux has them; macOS
lacks SOCK_SEQPACKET ([Errno 93]) and Windows has none; MOMENTUM_LAB_PORTABLE=1 switches it off
on Linux too (platform.fork_server_usable). Where it cannot run, `grader grade` and
`grader selfcheck` start a fresh worker per submission (the portable backend), slower but the
same verdicts.
"""

from __future__ import annotations

from typing import Any

from grader.sandbox import platform, process
from grader.sandbox.isolation import Isolation


class FreshWorkers:
    """A launcher with the fork server's interface (call, close, alive, with-block) that starts
    each worker as a fresh process, wrapped by the isolation backend if there is one."""

    alive = True

    def __init__(self, isolation: Isolation | None = None) -> None:
        self.isolation = isolation or Isolation("none")  # as Zygote keeps it
        self._launch = self.isolation.launcher() if self.isolation.isolated else process.popen

    def __call__(self, argv: list[str], env: dict[str, str], cwd: str, out_fd: int,
                 proto_fd: int) -> Any:  # fmt: skip
        return self._launch(argv, env, cwd, out_fd, proto_fd)

    def close(self) -> None:
        """Nothing to stop: each worker ends with its run."""

    def __enter__(self) -> FreshWorkers:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def batch_launcher(isolation: Isolation | None = None) -> Any:
    """A fork server where one can run here, else FreshWorkers. Close it (or use a with-block)
    when done."""
    if platform.fork_server_usable():
        from grader.sandbox.zygote import Zygote

        return Zygote(isolation)
    return FreshWorkers(isolation)
