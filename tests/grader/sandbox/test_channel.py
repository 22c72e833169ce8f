"""The judge's side of the channel: whatever bytes come back, each call gets an outcome that
is the student's (never an exception in the judge), within its deadline, in bounded memory.

Fake workers are started through the `wrap` seam of process.spawn: the command is replaced by
a small script that speaks (or abuses) the protocol."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import process, protocol
from grader.sandbox.process import GRADER_DIR, WorkerCommand, run_calls, spawn
from grader.sandbox.protocol import Call, ProtocolError
from helpers import append, make_course

STEP = "def momentum_step(theta, velocity, grad, lr=0.1, beta=0.9):\n"
CALL = Call("c1", "momentum", "momentum_step", (np.zeros(2), np.zeros(2), np.ones(2)))

# A worker that does everything right up to the call, then sends the bytes in its argv file.
FAKE = """
import json, os, sys, time
blob = open(sys.argv[1], "rb").read()
out = os.fdopen(1, "wb")
call = json.loads(sys.stdin.buffer.readline())["calls"][0]
for event in ({"event": "ready"}, {"event": "import", "module": call["module"]},
              {"event": "imported", "module": call["module"], "stdout": ""}):
    out.write(json.dumps(event).encode() + b"\\n")
out.write(blob.replace(b"CALL_ID", call["id"].encode()))
out.flush()
time.sleep(60)
"""


def fake(tmp_path: Path, blob: bytes, timeout: float = 5.0) -> protocol.Outcome:
    data = tmp_path / "blob"
    data.write_bytes(blob)

    def wrap(command: WorkerCommand) -> WorkerCommand:
        return replace(command, argv=[sys.executable, "-I", "-c", FAKE, str(data)])

    return run_calls([CALL], tmp_path, timeout=timeout, wrap=wrap)[CALL.id]


def random_json(rng: random.Random, depth: int = 0):
    kinds = ["int", "float", "str", "bool", "none", "list", "dict"][: 7 if depth < 4 else 5]
    kind = rng.choice(kinds)
    if kind == "int":
        return rng.choice([0, -1, 7, 10**30, 2**63])
    if kind == "float":
        return rng.choice([0.5, -1e308, 1e-320])
    if kind == "str":
        return rng.choice(["", "seq", "array", "other", "none", "ok", "x" * 300, "\x1b[2J"])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "list":
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["kind", "items", "array", "shape", "data", "type", "length", "repr", "aliased"]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randrange(5))}


def random_result(rng: random.Random) -> dict:
    event = {
        "event": "result",
        "id": "CALL_ID",
        "status": rng.choice([*protocol.WORKER_STATUSES, "timeout", "crash", 3, None]),
        "value": random_json(rng),
        "error": rng.choice([{}, {"type": 1}, {"message": ["x"]}, [], "boom", random_json(rng)]),
        "mutated": rng.choice([[], ["0"], [1], "0", None, {"a": 1}]),
        "stdout": rng.choice(["", "hi", 5, None]),
    }
    for key in rng.sample(sorted(event), rng.randrange(3)):
        if key not in ("event", "id"):
            del event[key]
    return event


# ---- units: parsing and decoding ---------------------------------------------------------


def test_decoding_any_result_gives_an_outcome_or_a_protocol_error():
    rng = random.Random(11)
    decoded = 0
    for _ in range(3000):
        try:
            outcome = protocol.decode_result(random_result(rng))
        except ProtocolError:
            continue
        decoded += 1
        assert outcome.status in protocol.WORKER_STATUSES
    assert decoded  # some were well formed: the generator does reach the happy path


def test_parsing_any_bytes_gives_json_or_a_protocol_error():
    rng = random.Random(5)
    alphabet = b'[]{}",:0123456789.eE-+ \\tnulrsa\xff\x00'
    for _ in range(3000):
        blob = bytes(rng.choice(alphabet) for _ in range(rng.randrange(60)))
        try:
            protocol.loads(blob)
        except ProtocolError:
            pass


def reference_depth(data: bytes) -> int:
    """The nesting depth by a plain character walk (slow, obviously right)."""
    depth = best = 0
    in_string = escaped = False
    for byte in data:
        char = chr(byte)
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            best = max(best, depth)
        elif char in "]}":
            depth -= 1
    return best


def test_the_depth_scan_agrees_with_a_character_walk():
    rng = random.Random(3)
    for _ in range(500):
        value = random_json(rng)
        for _ in range(rng.randrange(40)):
            value = [value] if rng.random() < 0.5 else {'k[{\\"': value}
        data = json.dumps(value).encode()
        assert protocol.nesting_depth(data) == reference_depth(data)


@pytest.mark.parametrize("depth", [protocol.MAX_DEPTH + 1, 1000, 100_000])
def test_deep_messages_are_refused_without_recursion(depth):
    with pytest.raises(ProtocolError, match="nested more than"):
        protocol.loads(b"[" * depth + b"]" * depth)
    with pytest.raises(ProtocolError, match="nested more than"):
        protocol.loads(b'{"a":' * depth + b"1" + b"}" * depth)


def test_brackets_inside_strings_do_not_count():
    message = json.dumps({"event": "imported", "stdout": "[" * 100_000}).encode()
    assert protocol.loads(message)["stdout"] == "[" * 100_000


def test_one_answer_never_carries_more_than_a_million_numbers():
    big = protocol.encode_returned((np.zeros(10**6), np.zeros(10**6)))
    assert big["kind"] == "other" and "more than 1000000 numbers" in big["repr"]
    legal = protocol.encode_returned((np.zeros(500_000), np.zeros(500_000)))
    assert legal["kind"] == "seq"
    assert len(protocol.dumps(legal)) < protocol.MAX_LINE


# ---- the real judge loop, with fake workers ------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_on_the_channel_are_the_students_crash(tmp_path, seed):
    rng = random.Random(seed)
    blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))) + b"\n"
    outcome = fake(tmp_path, blob)
    assert outcome.status == "crash"
    assert "could not read what came back" in outcome.error


@pytest.mark.parametrize("seed", range(12))
def test_random_results_on_the_channel_never_break_the_judge(tmp_path, seed):
    event = random_result(random.Random(seed))
    outcome = fake(tmp_path, json.dumps(event).encode() + b"\n")
    if outcome.status == "crash":
        assert "could not read what came back" in outcome.error
    else:
        assert outcome.status in protocol.WORKER_STATUSES


@pytest.mark.parametrize(
    "blob",
    [b'{"event": "ready"}\n', b'{"event": "imported", "module": "momentum"}\n',
     b'{"event": "import", "module": "momentum"}\n', b'{"event": "done"}\n'],
    ids=["ready-again", "imported-again", "import-again", "done-early"],
)  # fmt: skip
def test_a_message_out_of_turn_is_the_students_crash(tmp_path, blob):
    # None of them may count as progress: each would otherwise restart the call's clock.
    outcome = fake(tmp_path, blob)
    assert outcome.status == "crash" and "unexpected message" in outcome.error


KEEP_TALKING = """
for _ in range(600):
    out.write(KEEP_ALIVE)
    out.flush()
    time.sleep(0.1)
"""


@pytest.mark.parametrize("keep_alive", [b"b' '", b"b'\\n'"], ids=["spaces", "empty-lines"])
def test_no_message_extends_the_deadline(tmp_path, keep_alive):
    # Bytes every 0.1 s for a minute, far past the 1 s limit: a judge whose clock they reset
    # would wait the whole minute. (An empty line is not JSON: the student's crash.)
    script = FAKE.replace("time.sleep(60)", KEEP_TALKING.replace("KEEP_ALIVE", keep_alive.decode()))
    (tmp_path / "blob").write_bytes(b"")

    def wrap(command: WorkerCommand) -> WorkerCommand:
        return replace(command, argv=[sys.executable, "-I", "-c", script, str(tmp_path / "blob")])

    outcome = run_calls([CALL], tmp_path, timeout=1.0, wrap=wrap)[CALL.id]
    assert outcome.status == ("timeout" if keep_alive == b"b' '" else "crash")


def test_a_worker_that_exceeds_its_memory_is_ended(tmp_path, monkeypatch):
    hog = "x = []\nwhile True:\n    x.append(bytes(1) * (8 << 20))\n"
    script = FAKE.replace("time.sleep(60)", hog)

    def wrap(command: WorkerCommand) -> WorkerCommand:
        (tmp_path / "blob").write_bytes(b"")
        return replace(command, argv=[sys.executable, "-I", "-c", script, str(tmp_path / "blob")])

    outcome = run_calls([CALL], tmp_path, timeout=30, wrap=wrap, memory_mib=200)[CALL.id]
    assert outcome.status == "crash" and "used more than 200 MiB" in outcome.error


def test_the_wrap_hook_sees_the_command_and_may_change_it(tmp_path, monkeypatch):
    monkeypatch.setenv("API_TOKEN", "secret")
    body = STEP + "    import os\n    print('wrapped:', os.environ.get('WRAPPED'))\n"
    course = make_course(tmp_path, files=append("momentum.py", body + "    return 1, 2\n"))
    seen: list[WorkerCommand] = []

    def wrap(command: WorkerCommand) -> WorkerCommand:
        seen.append(command)
        return replace(command, env={**command.env, "WRAPPED": "yes"})

    outcome = run_calls([CALL], course / "exercises", wrap=wrap)[CALL.id]
    assert outcome.status == "ok" and "wrapped: yes" in outcome.stdout
    (command,) = seen
    assert command.argv[-2] == command.exercises_dir == str((course / "exercises").resolve())
    assert str(GRADER_DIR) in json.loads(command.argv[-1])
    assert command.cwd == command.scratch and not Path(command.scratch).exists()  # removed
    assert "API_TOKEN" not in command.env


def test_printing_to_the_raw_descriptors_never_reaches_the_protocol(tmp_path):
    forged = b'{"event": "done"}\n{"event": "ready"}\n'
    body = STEP + f"    import os\n    os.write(1, {forged!r})\n    os.write(2, {forged!r})\n"
    course = make_course(tmp_path, files=append("momentum.py", body + "    return 1, 2\n"))
    outcome = run_calls([CALL], course / "exercises")[CALL.id]
    assert outcome.status == "ok" and outcome.value is not None
    assert outcome.value.describe() == "a tuple of 2 items"


def test_a_worker_ends_itself_when_the_judge_goes(tmp_path):
    # However the judge ends (even SIGKILL), its end of the worker's stdin closes.
    course = make_course(tmp_path, files=append("momentum.py", STEP + "    while True: pass\n"))
    worker = spawn(course / "exercises")
    try:
        request = {"calls": [CALL.to_json()], "limits": False}
        worker.proc.stdin.write(json.dumps(request).encode() + b"\n")
        worker.proc.stdin.flush()
        seen = b""
        while b'"imported"' not in seen:  # the call, and its loop, start right after
            chunk = process.os.read(worker.proto_fd, 4096)
            assert chunk, "the worker ended early"
            seen += chunk
        worker.proc.stdin.close()  # as if the judge died
        assert worker.proc.wait(timeout=60) == 70
    except subprocess.TimeoutExpired:
        pytest.fail("the worker kept running after its judge went away")
    finally:
        worker.close()
        process.os.close(worker.proto_fd)
        process.os.close(worker.out_fd)
