"""What the committed reference lists say, and what changed between two versions of them.

``disclose reference report`` shows how the grouping rules cover the code list (codes per rule, per group,
what is unclassified); ``--against REV_OR_DIR`` compares with another version, read from a folder holding
the reference files or from a git revision of this repository: codes added, removed, retitled, regrouped, and
selections changed. Everything is read from the committed files, so the report needs no source data.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flows.reference.build import REFERENCE_DIR
from flows.reference.group_rules import NO_RULE, UNCLASSIFIED

REPO_ROOT = REFERENCE_DIR.parents[1]
FILES = ("VERSION", "offences.csv", "offence_selections.csv", "offence_group_rules.csv", "offence_groups.csv")


class ReportError(ValueError):
    """The other version cannot be read (names the revision or folder)."""


@dataclass(frozen=True)
class Version:
    """One version of the reference files, as text."""

    label: str
    files: dict[str, str]

    def rows(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.files.get(name, ""))))

    @property
    def version(self) -> str:
        return self.files.get("VERSION", "").strip() or "(no VERSION)"


@dataclass(frozen=True)
class RuleCoverage:
    rule_id: str
    tier: str
    group: str
    direct: int  # codes the rule matched itself
    variants: int  # variant codes that took the group from a base code this rule matched


@dataclass(frozen=True)
class Coverage:
    codes: int
    rules: tuple[RuleCoverage, ...]
    groups: tuple[tuple[str, str, str, int], ...]  # code, name, notifiable, codes
    unclassified: tuple[tuple[str, str], ...]  # code, title

    @property
    def unused_rules(self) -> tuple[str, ...]:
        return tuple(r.rule_id for r in self.rules if r.direct == 0 and r.variants == 0)


@dataclass(frozen=True)
class Change:
    code: str
    before: str
    after: str


@dataclass(frozen=True)
class Diff:
    before: str
    after: str
    added: tuple[tuple[str, str], ...]  # code, title
    removed: tuple[tuple[str, str], ...]
    retitled: tuple[Change, ...]
    regrouped: tuple[Change, ...]
    selections_added: tuple[tuple[str, str], ...]  # selection, code
    selections_removed: tuple[tuple[str, str], ...]


def current(folder: Path = REFERENCE_DIR) -> Version:
    return read_folder(folder, f"{folder}")


def read_folder(folder: Path, label: str) -> Version:
    if not (folder / "offences.csv").is_file():
        raise ReportError(
            f"{folder}: no offences.csv here; give a folder of reference files or a git revision"
        )
    return Version(
        label, {n: (folder / n).read_text(encoding="utf-8") for n in FILES if (folder / n).is_file()}
    )


def read_revision(rev: str, repo: Path = REPO_ROOT) -> Version:
    """The reference files as committed at ``rev`` (``git show``; the revision is never read as an option)."""
    if rev.startswith("-") or not rev.strip():
        raise ReportError(f"{rev!r} is not a git revision")
    files = {}
    for name in FILES:
        done = subprocess.run(
            ["git", "-C", str(repo), "show", f"{rev}:data/reference/{name}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            files[name] = done.stdout
        elif name == "offences.csv":
            raise ReportError(
                f"git revision {rev!r}: cannot read data/reference/offences.csv ({done.stderr.strip()})"
            )
    return Version(f"git {rev}", files)


def other_version(rev_or_dir: str) -> Version:
    path = Path(rev_or_dir)
    return read_folder(path, str(path)) if path.is_dir() else read_revision(rev_or_dir)


def coverage(version: Version) -> Coverage:
    offences = version.rows("offences.csv")
    direct: Counter[str] = Counter()
    inherited: Counter[str] = Counter()
    for r in offences:
        rule = r.get("group_rule_id", "") or NO_RULE
        (direct if r.get("variant", "substantive") == "substantive" or rule == NO_RULE else inherited)[
            rule
        ] += 1
    rules = tuple(
        RuleCoverage(
            r["rule_id"], r["tier"], r["offence_group_code"], direct[r["rule_id"]], inherited[r["rule_id"]]
        )
        for r in version.rows("offence_group_rules.csv")
    )
    per_group = Counter(r["offence_group_code"] for r in offences)
    groups = tuple(
        (
            g["offence_group_code"],
            g["offence_group"],
            g.get("is_notifiable", ""),
            per_group[g["offence_group_code"]],
        )
        for g in version.rows("offence_groups.csv")
    )
    unclassified = tuple(
        (r["cjs_code"], r["offence_title"]) for r in offences if r["offence_group_code"] == UNCLASSIFIED
    )
    return Coverage(len(offences), rules, groups, unclassified)


def diff(before: Version, after: Version) -> Diff:
    old = {r["cjs_code"]: r for r in before.rows("offences.csv")}
    new = {r["cjs_code"]: r for r in after.rows("offences.csv")}
    both = sorted(set(old) & set(new))
    old_sel = {(r["selection"], r["cjs_code"]) for r in before.rows("offence_selections.csv")}
    new_sel = {(r["selection"], r["cjs_code"]) for r in after.rows("offence_selections.csv")}
    return Diff(
        before=f"{before.label} ({before.version})",
        after=f"{after.label} ({after.version})",
        added=tuple((c, new[c]["offence_title"]) for c in sorted(set(new) - set(old))),
        removed=tuple((c, old[c]["offence_title"]) for c in sorted(set(old) - set(new))),
        retitled=tuple(
            Change(c, old[c]["offence_title"], new[c]["offence_title"])
            for c in both
            if old[c]["offence_title"] != new[c]["offence_title"]
        ),
        regrouped=tuple(
            Change(c, old[c]["offence_group_code"], new[c]["offence_group_code"])
            for c in both
            if old[c]["offence_group_code"] != new[c]["offence_group_code"]
        ),
        selections_added=tuple(sorted(new_sel - old_sel)),
        selections_removed=tuple(sorted(old_sel - new_sel)),
    )
