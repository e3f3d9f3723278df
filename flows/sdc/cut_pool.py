"""Cuts kept between exact loops: a table protected again starts with what the last loop learnt.

A standing period is re-drafted whenever late records change a few of its figures, and each time the exact
loop re-learnt, master solve after master solve, cuts it had already found the night before (at force, six
master MIPs of two seconds on the annual table). A capacity cut comes from multipliers on the table's
relations, and by weak duality *any* multipliers give a true cut when priced on today's figures
(:func:`flows.sdc.lp.cut_from_duals`). So the pool keeps the multipliers, by the shape of the system (its
relations, not its figures), and prices them again on the figures in hand: an old cut can be weaker than it
was, never wrong, so the master stays a relaxation and its bound stays proven. Nothing here decides what is
safe: every pattern is still checked exactly, and audited.

Entries are files in one folder (written whole, then renamed); a damaged or unreadable entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np
from scipy import sparse

from flows.sdc.lp import Cut, DeviationModel, cut_from_duals
from flows.sdc.rules import Requirements

KEEP_CUTS = 2000  # per shape, most recent first: enough for the annual table's loop, a few MB at most
KEEP_SHAPES = 64  # shapes (tables) kept, the most recently used


class CutPool:
    def __init__(self, folder: Path, keep_cuts: int = KEEP_CUTS, keep_shapes: int = KEEP_SHAPES) -> None:
        self.folder, self.keep_cuts, self.keep_shapes = Path(folder), keep_cuts, keep_shapes

    def earlier(self, model: DeviationModel, req: Requirements) -> list[Cut]:
        """The kept cuts for a system of this shape, priced on ``model``'s figures and ``req``'s protection."""
        targets, duals = self._read(model)
        return [
            cut_from_duals(model, int(t), duals[k].toarray().ravel(), float(req.upl[t]))
            for k, t in enumerate(targets)
        ]

    def remember(self, model: DeviationModel, cuts: list[Cut]) -> None:
        """Keep ``cuts`` (newest first) with what was kept before, up to ``keep_cuts``."""
        new = [c for c in cuts if c.duals is not None]
        if not new:
            return
        targets, duals = self._read(model)
        rows = sparse.vstack([sparse.csr_matrix(c.duals.reshape(1, -1)) for c in new] + [duals]).tocsr()
        targets = np.concatenate([[c.target for c in new], targets]).astype(np.int64)
        rows, targets = rows[: self.keep_cuts], targets[: self.keep_cuts]
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".partial")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    targets=targets,
                    data=rows.data,
                    indices=rows.indices,
                    indptr=rows.indptr,
                    shape=np.asarray(rows.shape),
                )
            os.replace(tmp, self._path(model))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._prune()

    def _read(self, model: DeviationModel) -> tuple[np.ndarray, sparse.csr_matrix]:
        path = self._path(model)
        empty = (np.zeros(0, dtype=np.int64), sparse.csr_matrix((0, model.matrix.shape[0])))
        try:
            with np.load(path) as found:
                rows = sparse.csr_matrix(
                    (found["data"], found["indices"], found["indptr"]), shape=tuple(found["shape"])
                )
                targets = found["targets"]
            path.touch()  # recently used: kept by the pruning
        except FileNotFoundError:
            return empty
        except Exception:  # noqa: BLE001 - a damaged entry is a miss
            path.unlink(missing_ok=True)
            return empty
        n = model.matrix.shape[1]
        if rows.shape != (targets.size, model.matrix.shape[0]) or (targets.size and targets.max() >= n):
            return empty
        return targets, rows

    def _path(self, model: DeviationModel) -> Path:
        """Named by the system's shape: its relations (cells, coefficients, which sides are bounded)."""
        m = model.matrix
        h = hashlib.sha256(np.asarray(m.shape, dtype=np.int64).tobytes())
        for part in (m.indptr, m.indices, m.data, np.isinf(model.row_lower), np.isinf(model.row_upper)):
            h.update(np.ascontiguousarray(part).tobytes())
        return self.folder / f"{h.hexdigest()[:32]}.npz"

    def _prune(self) -> None:
        with contextlib.suppress(FileNotFoundError):  # another process pruned first
            entries = sorted(self.folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in entries[self.keep_shapes :]:
                old.unlink(missing_ok=True)
