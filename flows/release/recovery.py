"""Recovery: every command that writes a release starts here, under the release lock.

A publication or withdrawal is begun in the record's journal (an intent), then its folder moves, then one
transaction records it. So after a crash the journal says what was under way, and the folders say how far it
got:

* publish, folder not in place: roll back (the staging folder is deleted; publishing again starts afresh);
* publish, folder in place: roll forward (the draft's cells and the folder's log entry are recorded);
* withdraw: roll forward (the folder moves out of ``published/`` if it has not, and the record says so).

Then staging folders and temporary files nobody is writing (the lock is held) are deleted, and the public
disclosure log is regenerated from the record if it differs. Readers never call this: they see only what a
committed transaction recorded.
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

from flows.config import Settings
from flows.contracts.manifest import read_manifest
from flows.contracts.release import ReleaseId
from flows.publish.log import build_entry
from flows.release.legacy import adopt_legacy
from flows.release.public_log import refresh_public_log
from flows.release.record import Step, finish_publish, finish_withdraw, open_steps, roll_back
from flows.release.store import STAGING_PREFIX, read_draft


def recover(settings: Settings) -> list[str]:
    """Complete or roll back unfinished steps, clean orphans, bring the public log up to date. Returns what it
    did, in words (empty when there was nothing to do)."""
    done = [_settle(settings, step) for step in open_steps(settings)]
    done += _clean(settings)
    done += adopt_legacy(settings)
    if refresh_public_log(settings):
        done.append("disclosure log regenerated from the publication record")
    for line in done:
        print(f"recovery: {line}", file=sys.stderr)
    return done


def _settle(settings: Settings, step: Step) -> str:
    release_id = ReleaseId.parse(step.release_id)
    target = release_id.path_under(settings.published_dir)
    if step.action == "publish":
        if not target.is_dir():
            shutil.rmtree(settings.published_dir / step.detail["staging"], ignore_errors=True)
            roll_back(settings, step)
            return f"{release_id}: an interrupted publication was rolled back (publish it again)"
        draft = read_draft(settings, release_id)
        context = draft.public_context(date.fromisoformat(step.detail["published_on"]))
        entry = build_entry(context, read_manifest(target)).model_dump(mode="json")
        finish_publish(settings, step, draft.cells(), entry)
        return f"{release_id}: an interrupted publication was completed"
    gone = release_id.path_under(settings.withdrawn_dir)
    if target.is_dir():
        gone.parent.mkdir(parents=True, exist_ok=True)
        os.rename(target, gone)
    finish_withdraw(settings, step)
    return f"{release_id}: an interrupted withdrawal was completed"


def _clean(settings: Settings) -> list[str]:
    """Staging folders and temporary files left by a crash (no one else writes while the lock is held)."""
    removed = []
    for root in (settings.published_dir, settings.drafts_dir, settings.withdrawn_dir):
        if not root.is_dir():
            continue
        for path in [
            *root.glob(f"{STAGING_PREFIX}*"),
            *root.glob(".*.tmp"),
            *root.glob("*/v*/.*.tmp"),
            *root.glob("*/.*.tmp"),
        ]:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(str(_relative(path, settings.home)))
    return [f"removed {p} (left by an interrupted run)" for p in removed]


def _relative(path: Path, home: Path) -> Path:
    try:
        return path.relative_to(home)
    except ValueError:
        return path
