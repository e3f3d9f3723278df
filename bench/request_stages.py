"""One ad-hoc request from trigger to release, timed stage by stage in-process.

The pipeline runs a request as one stage (flows.pipeline.stage_request, which calls flows.release.make.release),
so the bench wraps the functions it calls, in the modules it looks them up from, with timers: nothing in flows/
changes. Stages: plan+count (load the spec, answer it from the warehouse), disclosure control (protect, then
derived figures inheriting [c]), output validation (the release.cells GX suite), draft (context, files,
guard, audit, the check with the publication record). Lazy imports land in the stage that first needs them, as in a CLI process.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

WRAPPED = {  # (module, function) -> stage; names the pipeline does not use (any more) are skipped
    ("flows.requests.spec", "load_spec"): "plan+count",
    ("flows.release.make", "answer_part_planned"): "plan+count",
    ("flows.release.make", "protect_release"): "disclosure control",
    ("flows.requests.derived", "derive_changes"): "disclosure control",
    ("flows.release.make", "validate_outputs"): "output validation",
    ("flows.release.make", "build_context"): "draft",
    ("flows.release.make", "write_draft"): "draft",
}


def timed_request(home: Path, spec: Path, out: Path) -> dict:
    started = time.perf_counter()
    import importlib

    from flows.config import load_settings
    from flows.pipeline import stage_request

    spent: dict[str, float] = defaultdict(float)
    active: set[str] = set()

    def timer(stage: str, fn):
        def wrapped(*args, **kwargs):
            if stage in active:  # called from inside the same stage: already being timed
                return fn(*args, **kwargs)
            active.add(stage)
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started
                active.discard(stage)

        return wrapped

    with ExitStack() as stack:
        for (module, name), stage in WRAPPED.items():
            mod = importlib.import_module(module)
            if hasattr(mod, name):
                stack.enter_context(mock.patch.object(mod, name, timer(stage, getattr(mod, name))))
        release = stage_request(load_settings(home=home), str(spec))
    stages = dict(spent)
    stages["total"] = time.perf_counter() - started
    stages["other (imports, settings)"] = stages["total"] - sum(v for k, v in stages.items() if k != "total")
    result = {"stages": stages, "status": " ".join(r.status for r in release)}  # drafted or unchanged
    out.write_text(json.dumps(result))
    return result
