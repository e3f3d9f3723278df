"""Every CJS code gets exactly one offence group, by the rules in data/reference/offence_group_rules.csv.

There is no public CJS -> Home Office offence group mapping, so the grouping is ours, and it is written as
rules a reviewer can read rather than 25,000 hand-made rows. A code is grouped by the first tier that matches:

1. ``code``: individual exceptions (the rule lists the codes);
2. a variant code (attempt, aid/abet, conspiracy, incitement) takes its base code's group and rule;
3. ``proceeding``: the standing data's own category says the code is not a new offence (an application, a
   warrant, fine enforcement: ``CR VP EF EM EX``) or a breach of a sentence (``CB``); only an exception
   overrides that;
4. ``title``: a regular expression, written in lower case, searched in the lower-cased title and PNC title
   (each a line of its own), optionally only for codes of the listed Acts; the first matching rule in file
   order wins, so specific rules go first;
5. ``range``: codes of one Act from one code to another (ranges of an Act must not overlap);
6. ``act``: every code of the listed Acts (an Act may appear in one act rule only);
7. ``category``: the standing data's own category (``CS``, ``CM`` ...) or ``not_recordable``, for codes no
   rule about their Act covers;
and a code no rule matches is ``NCL`` ("Other / not classified"), listed by ``disclose reference report``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from flows.reference.standing_data import StandingCode

TIERS = ("code", "proceeding", "title", "range", "act", "category")
COLUMNS = ("rule_id", "tier", "act_prefix", "match", "offence_group_code", "is_notifiable", "reasoning")
UNCLASSIFIED = "NCL"
NO_RULE = "none"
VARIANT_TIER = "variant"
FLAGS = {"true": True, "false": False, "": None}  # is_notifiable: blank where it cannot be known


class RuleError(ValueError):
    """A rule file problem, naming the file, row and column."""


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    display_order: int
    is_notifiable: bool | None  # None: not known (unclassified or unrecognised codes)


@dataclass(frozen=True)
class Rule:
    rule_id: str
    tier: str
    acts: tuple[str, ...]
    match: str
    group: str
    is_notifiable: bool | None
    reasoning: str
    row: int

    def applies(self, c: StandingCode, text: str) -> bool:
        """Does the rule match code ``c``, whose lower-cased titles are ``text``?"""
        if self.acts and c.prefix not in self.acts:
            return False
        if self.tier == "title":
            return _compiled(self.match).search(text) is not None
        if self.tier == "range":
            low, high = self.match.split("..")
            return low <= c.code[:7] <= high
        if self.tier in ("proceeding", "category"):
            return any(
                c.category == t or (t == "not_recordable" and not c.is_recordable) for t in self.match.split()
            )
        return True  # act: the Act alone


@dataclass(frozen=True)
class Grouping:
    group: str
    rule_id: str
    tier: str  # the tier that decided (``variant`` when the base code's rule did)


def read_groups(path: Path) -> dict[str, Group]:
    groups = {}
    for row, r in read_rows(path, ("offence_group_code", "offence_group", "display_order", "is_notifiable")):
        if r["is_notifiable"] not in FLAGS or not r["display_order"].isdigit():
            raise RuleError(
                f"{path}: row {row}: is_notifiable must be true, false or blank and display_order a number"
            )
        code = r["offence_group_code"]
        groups[code] = Group(code, r["offence_group"], int(r["display_order"]), FLAGS[r["is_notifiable"]])
    return groups


def read_rules(path: Path, groups: dict[str, Group]) -> list[Rule]:
    """Rules in file order, each checked: tier, group, notifiable flag agreeing with the group, pattern, range."""
    rules, seen = [], set()
    for row, r in read_rows(path, COLUMNS):
        where = f"{path}: row {row}"
        if r["rule_id"] in seen or not r["rule_id"]:
            raise RuleError(f"{where}, column rule_id: {r['rule_id']!r} is blank or used twice")
        seen.add(r["rule_id"])
        if r["tier"] not in TIERS:
            raise RuleError(f"{where}, column tier: {r['tier']!r} is not one of {', '.join(TIERS)}")
        group = groups.get(r["offence_group_code"])
        if group is None or (
            group.is_notifiable is None and not (group.code == UNCLASSIFIED and r["tier"] == "code")
        ):
            raise RuleError(
                f"{where}, column offence_group_code: {r['offence_group_code']!r} is not a group a rule can "
                "give (NCL only by an exception that says why the code cannot be grouped)"
            )
        notifiable = FLAGS.get(r["is_notifiable"], "?")
        if notifiable != group.is_notifiable:
            raise RuleError(
                f"{where}, column is_notifiable: {r['is_notifiable']!r} disagrees with group {group.code}"
            )
        if not r["reasoning"]:
            raise RuleError(f"{where}, column reasoning: every rule says why")
        rule = Rule(
            r["rule_id"],
            r["tier"],
            tuple(r["act_prefix"].split()),
            r["match"],
            group.code,
            notifiable,
            r["reasoning"],
            row,
        )  # type: ignore[arg-type]
        _check_shape(rule, where)
        rules.append(rule)
    _check_overlaps(rules, path)
    return rules


def _check_shape(rule: Rule, where: str) -> None:
    if rule.tier in ("range", "act") and not rule.acts:
        raise RuleError(f"{where}, column act_prefix: a {rule.tier} rule names its Act")
    if rule.tier == "title":
        try:
            _compiled(rule.match)
        except re.error as exc:
            raise RuleError(
                f"{where}, column match: {rule.match!r} is not a regular expression ({exc})"
            ) from None
        if re.search(r"[A-Z]", re.sub(r"\\[A-Za-z]", "", rule.match)):
            raise RuleError(
                f"{where}, column match: write the pattern in lower case (titles are searched lower-cased)"
            )
    if rule.tier == "range":
        parts = rule.match.split("..")
        if (
            len(rule.acts) != 1
            or len(parts) != 2
            or not all(p.startswith(rule.acts[0]) for p in parts)
            or parts[0] > parts[1]
        ):
            raise RuleError(
                f"{where}, column match: a range is FROM..TO codes of its one Act, e.g. OF61001..OF61050"
            )
    if rule.tier in ("code", "proceeding", "category") and not rule.match.split():
        raise RuleError(f"{where}, column match: a {rule.tier} rule lists what it matches")


def _check_overlaps(rules: list[Rule], path: Path) -> None:
    """Ranges of an Act, an Act's act rule and an exception's code each decide alone: no two may claim one code."""
    claimed: dict[tuple[str, str], str] = {}
    for rule in rules:
        keys = []
        if rule.tier == "code":
            keys = [("code", c) for c in rule.match.split()]
        elif rule.tier == "act":
            keys = [("act", a) for a in rule.acts]
        for key in keys:
            if key in claimed:
                raise RuleError(f"{path}: row {rule.row}: {key[1]} is already in rule {claimed[key]}")
            claimed[key] = rule.rule_id
    ranges = sorted((r.acts[0], *r.match.split(".."), r.rule_id) for r in rules if r.tier == "range")
    for (act, _, high, rid), (act2, low2, _, rid2) in zip(ranges, ranges[1:], strict=False):
        if act == act2 and low2 <= high:
            raise RuleError(f"{path}: ranges {rid} and {rid2} of {act} overlap")


def classify(codes: list[StandingCode], rules: list[Rule]) -> dict[str, Grouping]:
    """code -> its group, the rule that decided and that rule's tier."""
    by_code = {c: r for r in rules if r.tier == "code" for c in r.match.split()}
    unknown = sorted(set(by_code) - {c.code for c in codes})
    if unknown:
        raise RuleError(f"exception rules name codes that are not in the standing data: {', '.join(unknown)}")
    ordered = [r for tier in TIERS[1:] for r in rules if r.tier == tier]
    out: dict[str, Grouping] = {}
    for c in sorted(codes, key=lambda x: x.variant != "substantive"):  # bases first: variants inherit
        if c.code in by_code:
            r = by_code[c.code]
            out[c.code] = Grouping(r.group, r.rule_id, r.tier)
        elif c.variant != "substantive":
            base = out[c.code[:7]]
            out[c.code] = Grouping(base.group, base.rule_id, VARIANT_TIER)
        else:
            text = f"{c.title}\n{c.pnc_title}".lower()
            rule = next((r for r in ordered if r.applies(c, text)), None)
            out[c.code] = (
                Grouping(rule.group, rule.rule_id, rule.tier) if rule else Grouping(UNCLASSIFIED, NO_RULE, "")
            )
    return out


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _PATTERNS:
        # MULTILINE: ^ and $ match at each title, and . never crosses from one title to the other
        _PATTERNS[pattern] = re.compile(pattern, re.MULTILINE)
    return _PATTERNS[pattern]


def read_rows(path: Path, required: tuple[str, ...]):
    """(row number, row) with every value stripped; the header is row 1, so data rows start at 2."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise RuleError(f"{path}: missing column(s) {', '.join(missing)}")
        for row, r in enumerate(reader, start=2):
            yield row, {k: (v or "").strip() for k, v in r.items()}
