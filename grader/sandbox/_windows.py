"""Windows only: a job object per worker, to end its whole tree and to see its memory.

A venv's ``python.exe`` on Windows is a small launcher that starts the real interpreter as a
child, so ending or measuring just the process we started would miss the worker. Every process
of a job ends with ``TerminateJobObject`` (and when our handle closes, KILL_ON_JOB_CLOSE), and
the job reports the peak memory committed by all of them. Where a job cannot be made, ending
falls back to ``taskkill /T /F`` and measuring to the started process alone.

Imported only on Windows (platform.py guards every use); the structures are plain ctypes, with
Windows' fixed-size types spelled out so they can be checked for size on any machine.
"""

from __future__ import annotations

import ctypes
import subprocess
from typing import Any

JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION = 9  # the JOBOBJECTINFOCLASS value


class BasicLimits(ctypes.Structure):
    _fields_ = [
        ("PerProcessUserTimeLimit", ctypes.c_int64),
        ("PerJobUserTimeLimit", ctypes.c_int64),
        ("LimitFlags", ctypes.c_uint32),
        ("MinimumWorkingSetSize", ctypes.c_size_t),
        ("MaximumWorkingSetSize", ctypes.c_size_t),
        ("ActiveProcessLimit", ctypes.c_uint32),
        ("Affinity", ctypes.c_size_t),
        ("PriorityClass", ctypes.c_uint32),
        ("SchedulingClass", ctypes.c_uint32),
    ]


class IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount",
    )]  # fmt: skip


class ExtendedLimits(ctypes.Structure):
    _fields_ = [
        ("BasicLimitInformation", BasicLimits),
        ("IoInfo", IoCounters),
        ("ProcessMemoryLimit", ctypes.c_size_t),
        ("JobMemoryLimit", ctypes.c_size_t),
        ("PeakProcessMemoryUsed", ctypes.c_size_t),
        ("PeakJobMemoryUsed", ctypes.c_size_t),
    ]


class MemoryCounters(ctypes.Structure):
    """PROCESS_MEMORY_COUNTERS."""

    _fields_ = [
        ("cb", ctypes.c_uint32),
        ("PageFaultCount", ctypes.c_uint32),
        *[(name, ctypes.c_size_t) for name in (
            "PeakWorkingSetSize", "WorkingSetSize", "QuotaPeakPagedPoolUsage",
            "QuotaPagedPoolUsage", "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
            "PagefileUsage", "PeakPagefileUsage",
        )],
    ]  # fmt: skip


def _kernel32() -> Any:
    return ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]


class Job:
    """A job object holding one worker (and anything it starts)."""

    def __init__(self, handle: int) -> None:
        self.handle = handle

    @staticmethod
    def create(proc: subprocess.Popen[bytes]) -> Job | None:
        try:
            k32 = _kernel32()
            k32.CreateJobObjectW.restype = ctypes.c_void_p
            handle = k32.CreateJobObjectW(None, None)
            if not handle:
                return None
            info = ExtendedLimits()
            info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            ok = k32.SetInformationJobObject(
                ctypes.c_void_p(handle), JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                ctypes.byref(info), ctypes.sizeof(info),
            )  # fmt: skip
            process = ctypes.c_void_p(int(proc._handle))  # type: ignore[attr-defined]
            if not ok or not k32.AssignProcessToJobObject(ctypes.c_void_p(handle), process):
                k32.CloseHandle(ctypes.c_void_p(handle))
                return None
            return Job(handle)
        except (OSError, AttributeError, ValueError):
            return None

    def terminate(self) -> bool:
        try:
            return bool(_kernel32().TerminateJobObject(ctypes.c_void_p(self.handle), 1))
        except (OSError, AttributeError):
            return False

    def close(self) -> None:
        try:
            _kernel32().CloseHandle(ctypes.c_void_p(self.handle))
        except (OSError, AttributeError):
            pass

    def peak_memory(self) -> int | None:
        info = ExtendedLimits()
        try:
            ok = _kernel32().QueryInformationJobObject(
                ctypes.c_void_p(self.handle), JOB_OBJECT_EXTENDED_LIMIT_INFORMATION,
                ctypes.byref(info), ctypes.sizeof(info), None,
            )  # fmt: skip
        except (OSError, AttributeError):
            return None
        return int(info.PeakJobMemoryUsed) if ok else None


def kill_tree(proc: subprocess.Popen[bytes], job: Job | None) -> None:
    if job is not None and job.terminate():
        return
    try:
        subprocess.run(
            ["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        pass
    if proc.poll() is None:
        proc.kill()


def memory_used(proc: subprocess.Popen[bytes], job: Job | None) -> int | None:
    if job is not None:
        return job.peak_memory()
    counters = MemoryCounters()
    counters.cb = ctypes.sizeof(counters)
    try:
        ok = _kernel32().K32GetProcessMemoryInfo(
            ctypes.c_void_p(int(proc._handle)),  # type: ignore[attr-defined]
            ctypes.byref(counters), counters.cb,
        )  # fmt: skip
    except (OSError, AttributeError):
        return None
    return int(counters.WorkingSetSize) if ok else None
