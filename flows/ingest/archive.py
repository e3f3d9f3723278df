"""The immutable archive of raw extracts: ``raw/<source>/<sha256>.<ext>``, read-only once written.

The archive, not the landing folder, is what a rebuild replays; a file lands once and is kept byte-for-byte.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def archive(path: Path, raw_dir: Path, source: str, sha256: str) -> Path:
    target = raw_dir / source / f"{sha256}{path.suffix.lower()}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    shutil.copyfile(path, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, target)
    return target
