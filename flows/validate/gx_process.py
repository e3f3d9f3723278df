"""Great Expectations validates in a child process, started early and kept for the life of the parent.

Importing GX is ~3 s of pure Python. On a thread it holds the GIL against the very work it was meant to overlap
(measured on a request: 4.0 s before validation with a warm-up thread, 1.8 s without one). A child process
imports it on the other core while the parent counts. The parent still runs every check query in DuckDB (a
second process cannot open the warehouse) and sends the child only the small check result (an Arrow table); the child answers
with the records and GX's own result as JSON (for Data Docs). One request at a time, under a lock, since
Prefect may run tasks on threads. The child exits when the parent closes its stdin, or at once when the parent dies (flows/child_guard.py).
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from flows.child_guard import child_env, watch_parent
from flows.validate.suites import SuiteError

_HEADER = struct.Struct("!Q")
_CHILD = "from flows.validate.gx_process import serve; serve()"


class GxProcessError(RuntimeError):
    """The validation process failed or died: the data was not validated."""


def _send(stream, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    return pickle.loads(stream.read(size))  # noqa: S301 - our own child process, over a private pipe


class GxProcess:
    """The parent's handle on the child (spawned on first use, or early by :meth:`start`)."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            self._ensure()

    def _ensure(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:  # finds flows/ as we do; dies with us
            self._proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env()
            )
        return self._proc

    def validate(
        self, frame, suite_path: Path, result_format: dict, suite_parameters: dict, index: tuple[str, ...]
    ) -> tuple[tuple, dict]:
        """(records, GX result as JSON) for one suite over one check frame."""
        with self._lock:
            proc = self._ensure()
            try:
                _send(proc.stdin, (frame, str(suite_path), result_format, suite_parameters, index))
                status, *payload = _receive(proc.stdout)
            except (BrokenPipeError, EOFError):
                code = proc.wait()
                raise GxProcessError(
                    f"the Great Expectations process exited ({code}) while validating "
                    f"{suite_path.stem}; see the messages above"
                ) from None
        if status == "ok":
            return payload[0], payload[1]
        kind, message = payload
        raise (SuiteError if kind == "SuiteError" else GxProcessError)(message)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()


PROCESS = GxProcess()
atexit.register(PROCESS.close)


def warm_up_in_background() -> None:
    """Start the validation process now: GX imports there, on the other core, while the caller's DuckDB work
    goes on."""
    PROCESS.start()


def serve() -> None:
    """The child: import GX at once, then answer requests until stdin closes (or the parent is gone)."""
    watch_parent()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything GX prints goes to stderr, never into the reply pipe
    from flows.validate.lazy_import import defer

    defer("scipy")  # GX imports it for expectations our suites do not use: about 1 s of a request
    from flows.validate.gx_loader import gx_ready
    from flows.validate.queries import as_gx_frame
    from flows.validate.report import record_from_gx
    from flows.validate.suites import load_suite

    gx_ready()
    stdin = sys.stdin.buffer
    while True:
        try:
            frame, path, result_format, suite_parameters, index = _receive(stdin)
        except EOFError:
            return
        try:
            path = Path(path)
            suite = load_suite(path.parent, path.stem)
            batch = gx_ready().get_batch(batch_parameters={"dataframe": as_gx_frame(frame)})
            outcome = batch.validate(
                suite, result_format=result_format, expectation_parameters=suite_parameters
            )
            _send(
                out, ("ok", tuple(record_from_gx(r, index) for r in outcome.results), outcome.to_json_dict())
            )
        except SuiteError as exc:
            _send(out, ("error", "SuiteError", str(exc)))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the run with it
            _send(out, ("error", type(exc).__name__, f"{path.stem}: {type(exc).__name__}: {exc}"))
