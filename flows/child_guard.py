"""Child processes die with their parent: the Great Expectations process, and Prefect's temporary server.

A parent killed by SIGKILL (the OOM killer, a power-cut test, `kill -9`) runs no cleanup, so children it
started would run on, orphaned: a GX process holding a gigabyte, a Prefect server holding a port. Each child
runs :func:`watch_parent` first: a daemon thread that ends the child as soon as its parent is gone (its
parent pid changes when it is re-parented). Not ``PR_SET_PDEATHSIG``: that fires when the *thread* that
started the child ends, and Prefect runs tasks on worker threads that come and go while the process lives.

``python -m flows.child_guard MODULE ARGS...`` runs a module (Prefect's ``uvicorn``) the same way.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time

PARENT_ENV = "DISCLOSE_PARENT_PID"
_POLL_SECONDS = 0.2


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child started by this process: names this process as the parent to watch, and
    lets the child import flows/ as this process does."""
    base = dict(os.environ if env is None else env)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = os.pathsep.join(p for p in (root, base.get("PYTHONPATH")) if p)
    return {**base, PARENT_ENV: str(os.getpid()), "PYTHONPATH": path}


def watch_parent() -> None:
    """In a child: exit at once (no cleanup: the parent's is gone too) when the parent process is gone."""
    parent = int(os.environ.get(PARENT_ENV) or os.getppid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="disclose-watch-parent", daemon=True).start()


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit("usage: python -m flows.child_guard MODULE [ARGS...]")
    watch_parent()
    sys.argv = argv
    runpy.run_module(argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
