"""`disclose serve`: one resident process per data home that answers requests without paying start-up.

A request from the CLI costs a few seconds before it counts anything: Python, the pipeline's imports, GX
(imported in its child process), and without --plain Prefect's temporary server. Here they are paid once, when
the service starts; each request then costs its own work. The request itself runs exactly as in the CLI's own
process: the same settings (the CLI's, sent whole), the same folder (relative spec and home paths mean the
same), the same stages, checks, draft and run log, as the Prefect `request` flow (on the embedded server, or
PREFECT_API_URL's) or plainly with --plain.

No DuckDB file is held between requests: each opens the published snapshot read-only and closes it, so a
request during a nightly run reads the snapshot published before it. What is kept in memory (the pending
drafts' decoded cells, the code lists) is keyed by content, so a change on disk is always seen. Requests are
answered one at a time, like the `request` deployment (concurrency 1); as a Prefect flow, the person is
answered once the draft is made and recorded, and Prefect's teardown (the run's final state, up to a second)
follows. If the code under flows/ changes on disk, the service declines the next request (the CLI answers it
in-process) and exits: restart it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import select
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flows.config import PROJECT_ROOT, Settings
from flows.errors import DiscloseError
from flows.warm.protocol import MAX_PATH_BYTES, peer_uid, receive, send, socket_path


class ServiceError(DiscloseError):
    """The service cannot start (another one serves the home, or the socket path is too long)."""


def serve(settings: Settings, prefect: bool = True, log: Callable[[str], None] = print) -> None:
    """Answer requests on the home's socket until stopped (Ctrl-C, SIGTERM) or the code on disk changes. A
    SIGTERM lets the request being answered finish (a second one stops at once); it only sets a flag and wakes
    the wait, since an exit raised by a signal handler is ignored if it lands in a garbage collection's
    callback."""
    path = socket_path(settings.home)
    listener = _bind(path)
    wake, woken = os.pipe()
    os.set_blocking(woken, False)
    stopping: list[bool] = []

    def stop(*_: object) -> None:
        if stopping:
            sys.exit(0)
        stopping.append(True)

    try:
        with contextlib.suppress(ValueError):  # not the main thread: the caller stops it
            signal.signal(signal.SIGTERM, stop)
            signal.set_wakeup_fd(woken)
        _warm(prefect)
        _preload(settings, log)
        _settle()
        stamp = code_stamp()
        log(f"serving requests for {settings.home} on {path} (pid {os.getpid()}); ready")
        while not stopping:
            if listener not in select.select([listener, wake], [], [])[0]:
                os.read(wake, 4096)  # a signal: drained (else the wait returns at once, forever)
                continue  # the loop's condition says whether to stop
            conn, _ = listener.accept()
            with conn:
                if not _answer(conn, stamp, log):
                    log("the code under flows/ changed since the service started: stopping (start it again)")
                    return
            _settle()
    finally:
        listener.close()
        path.unlink(missing_ok=True)
        with contextlib.suppress(ValueError):
            signal.set_wakeup_fd(-1)
        os.close(wake)
        os.close(woken)
        gc.unfreeze()  # what was frozen is finalised at exit like everything else


def _preload(settings: Settings, log: Callable[[str], None]) -> None:
    """What the first request would otherwise pay for (0.6 s at force): the pending drafts' cells it is checked
    against, the offence code lists and the bank holidays. Only a head start: a home with no warehouse or
    record yet starts without it, and says so."""
    from datetime import date

    from flows.db import connect
    from flows.release.record import read_events, release_states
    from flows.release.store import draft_cells, pending_drafts
    from flows.requests.due import due_date
    from flows.requests.offences import code_list

    try:
        due_date(date.today())
        for path in pending_drafts(settings, release_states(read_events(settings)), but=""):
            draft_cells(path, settings)
        with connect(settings, read_only=True) as con:
            for source in ("custody", "crime"):
                code_list(con, source)
    except Exception as exc:  # noqa: BLE001 - the requests themselves report what is wrong
        log(f"nothing preloaded ({type(exc).__name__}: {exc}); the first request loads it")


def _settle() -> None:
    """Between requests, once the person has their answer: collect, then freeze what survives (the modules,
    the standing drafts' cells kept as history) out of the cyclic collector's way. Traversing those objects
    again and again was 0.13 s of every warm request; unfrozen first, so nothing frozen earlier is kept
    past its use."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _bind(path: Path) -> socket.socket:
    if len(str(path).encode()) > MAX_PATH_BYTES:
        raise ServiceError(f"{path}: the data home's path is too long for a local socket (at most 107 bytes)")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left by a service that was killed
        else:
            raise ServiceError(f"a service already answers requests for this home ({path})")
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # the socket is the owner's alone (0600)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old)
    listener.listen(16)
    return listener


def _warm(prefect: bool) -> None:
    """Import what a request imports, start the GX process and, for Prefect runs, the API (the embedded
    server unless PREFECT_API_URL names one)."""
    import flows.pipeline
    import flows.release.draft
    import flows.release.make
    import flows.sdc.protect
    import flows.sdc_audit
    import flows.validate.outputs  # noqa: F401 - imported for their cost, now rather than per request
    from flows.validate.gx_process import warm_up_in_background

    warm_up_in_background()
    if prefect:
        from flows.runtime import quiet_prefect, tie_embedded_server

        quiet_prefect()
        tie_embedded_server()
        from prefect.client.orchestration import get_client

        import flows.request  # noqa: F401

        with get_client(sync_client=True) as client:
            client.api_healthcheck()


def code_stamp() -> str:
    """Each module's name, size and modification time: a changed file means this process runs old code."""
    h = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "flows").rglob("*.py")):
        stat = path.stat()
        h.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _answer(conn: socket.socket, stamp: str, log: Callable[[str], None]) -> bool:
    """One request, start to end; False once the code on disk has changed (the service must stop)."""
    stream = conn.makefile("rwb")
    if peer_uid(conn) != os.getuid():
        _tell(stream, {"declined": "the service runs as another account"})
        return True
    ask = receive(stream)
    if ask is None:
        return True
    if code_stamp() != stamp:
        _tell(stream, {"declined": "its code is older than flows/ on disk (restart `disclose serve`)"})
        return False
    _tell(stream, {"accepted": os.getpid()})
    started = time.perf_counter()
    told: list[dict[str, Any]] = []

    def answer(result: Any) -> None:
        """Told as soon as the draft is made: the person need not wait for Prefect's teardown."""
        told.append({"lines": result.summary_lines()})
        _tell(stream, told[0])

    try:
        result = _run(ask, lambda stage: _tell(stream, {"stage": stage}), answer)
        if not told:  # --plain: no teardown to overtake
            answer(result)
    except Exception as exc:  # the CLI prints it as it would its own; a draft already told stands
        if told:
            traceback.print_exc()
        else:
            told.append(_failure(exc))
            _tell(stream, told[0])
    reply = told[0]
    outcome = reply.get("error") or "; ".join(line for line in reply["lines"] if not line.startswith(" "))
    log(f"request {ask.get('spec')}: {outcome} ({time.perf_counter() - started:.2f} s)")
    return True


def _run(ask: dict[str, Any], on_stage: Callable[[str], None], drafted: Callable[[Any], None]) -> Any:
    from flows.release.source import request_path
    from flows.requests.spec import regular_file
    from flows.runs import progress

    settings = Settings.model_validate_json(ask["settings"])
    with _in_folder(Path(ask["cwd"])), progress.listening(on_stage):
        regular_file(request_path(settings, ask["spec"]))
        if ask["plain"]:
            from flows.pipeline import run_request

            return run_request(settings, ask["spec"])
        from flows.request import request_for

        return request_for(settings, drafted)(spec=ask["spec"], config=ask["config"], home=ask["home"])


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    """The CLI's working folder for the request: a relative spec or home means what it meant there (and the
    manifest records the spec path as the CLI was given it). One request at a time, so one folder."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _failure(exc: Exception) -> dict[str, Any]:
    from flows.runs.reason import expected
    from flows.sdc.protect import ProtectionRefused

    known = expected(exc) or isinstance(exc, ProtectionRefused)
    if not known:
        traceback.print_exc()  # the service's own log keeps the traceback
    return {"error": str(exc).strip() or type(exc).__name__, "expected": known, "type": type(exc).__name__}


def _tell(stream, message: dict[str, Any]) -> None:
    """Send, ignoring a client that has gone (Ctrl-C): the request still finishes and is recorded."""
    with contextlib.suppress(OSError, ValueError):
        send(stream, message)
