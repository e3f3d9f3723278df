"""Resolve the offences a request names into offence codes, through the reference data in the warehouse.

An item (a named selection, a CJS or Home Office code, an offence group, an Act's code prefix, or a local code
the reference data lacks) becomes one offence category: a label and its codes. Variant codes (attempt A, aiding
B, conspiracy C, inciting I) are added to, or removed from, every item exactly as the part's ``variants`` says,
so "s.25 including conspiracy" is a decision written in the spec, not an accident of the reference list.
Unknown names are errors that suggest the closest known ones. An unknown code that is shaped like a real one
is never answered with a neighbouring code (IM71131 is not "closest to" IM71134: they are different
offences): the error says it is not in the standing data and how such a code is counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from flows.contracts.offence_codes import (
    CJS_SHAPE,
    HO_SHAPE,
    is_well_formed_cjs,
    is_well_formed_ho,
    normalise_ho_code,
)
from flows.requests.catalogue import VARIANT_SUFFIX, VARIANTS
from flows.requests.errors import SpecError
from flows.requests.models import OffenceItem, Offences
from flows.requests.suggest import suggest


@dataclass(frozen=True)
class Category:
    label: str
    codes: tuple[str, ...]
    item_kind: str


@dataclass(frozen=True)
class ResolvedOffences:
    categories: tuple[Category, ...]  # empty when all offences count
    titles: dict[str, str]  # code -> title, for the notes
    groups: dict[str, str]  # code -> offence group
    all_label: str  # the label of every selected offence together

    @property
    def overlapping(self) -> bool:
        """Does a code sit in two categories? Then the categories do not add up to the total."""
        codes = [c for cat in self.categories for c in cat.codes]
        return len(codes) != len(set(codes))

    def category_group(self) -> dict[str, str] | None:
        """Category -> its offence group, or None when a category spans groups (no hierarchy possible)."""
        out = {}
        for cat in self.categories:
            groups = {self.groups[c] for c in cat.codes}
            if len(groups) != 1:
                return None
            out[cat.label] = groups.pop()
        return out

    def code_rows(self) -> list[dict[str, str]]:
        """The SQL parameter: one row per (category, code)."""
        return [
            {"code": c, "offence": cat.label, "offence_group": self.groups[c]}
            for cat in self.categories
            for c in cat.codes
        ]


@dataclass(frozen=True)
class _CodeList:
    titles: dict[str, str]
    groups: dict[str, str]
    group_names: dict[str, str]  # code or lower-case name -> group name
    variant_of: dict[str, tuple[str, str]]  # variant code -> (base code, variant name)
    selections: dict[str, tuple[str, tuple[str, ...]]]  # name -> (label, codes)
    source: str = "custody"
    version: str = "unknown"  # the reference data's version (ref.version)
    unrecognised: str = "Unrecognised offence code"  # the label of group UNR

    def normalise(self, code: str) -> str:
        return normalise_ho_code(code) if self.source == "crime" else code.strip().upper()

    def well_formed(self, code: str) -> bool:
        return is_well_formed_ho(code) if self.source == "crime" else is_well_formed_cjs(code)


_CODE_LISTS: dict[tuple, _CodeList] = {}
#: what each source's code list is built from, summed up in milliseconds: a list is reused while it is the same
_FINGERPRINT = {
    "custody": """
        (select count(*) || ':' || coalesce(sum(hash(cjs_code, offence_title, offence_group_code, offence_group,
                                                      variant)), 0) from ref.offences),
        (select count(*) || ':' || coalesce(sum(hash(rowid, selection, selection_label, cjs_code)), 0)
         from ref.offence_selections),""",
    "crime": """
        (select count(*) || ':' || coalesce(sum(hash(ho_offence_code, ho_offence_title, ho_offence_group_code,
                                                      ho_offence_group)), 0) from ref.ho_offence_codes),""",
}
_FINGERPRINT_SHARED = """
    (select count(*) || ':' || coalesce(sum(hash(offence_group_code, offence_group)), 0) from ref.offence_groups),
    (select coalesce(string_agg(version, ','), '') from ref.version)"""


def code_list(con: duckdb.DuckDBPyConnection, source: str) -> _CodeList:
    """The source's code list, built once per reference data (25,000 CJS codes: 0.1 s of every request
    in a warm service otherwise)."""
    kind = "custody" if source == "custody" else "crime"
    key = (kind, *con.sql("select " + _FINGERPRINT[kind] + _FINGERPRINT_SHARED).fetchall()[0])
    if key not in _CODE_LISTS:
        if len(_CODE_LISTS) >= 8:
            _CODE_LISTS.clear()
        _CODE_LISTS[key] = _custody_codes(con) if kind == "custody" else _crime_codes(con)
    return _CODE_LISTS[key]


def _custody_codes(con: duckdb.DuckDBPyConnection) -> _CodeList:
    rows = con.sql(
        "select cjs_code, offence_title, offence_group_code, offence_group, variant from ref.offences"
    ).fetchall()
    titles = {r[0]: r[1] for r in rows}
    by_letter = {v: k for k, v in VARIANT_SUFFIX.items()}
    variant_of = {}
    for code, _, _, _, variant in rows:
        name = variant if variant in VARIANTS else by_letter.get(code[-1])
        if variant != "substantive" and name is not None and code[:-1] in titles:
            variant_of[code] = (code[:-1], name)
    selections: dict[str, tuple[str, list[str]]] = {}
    for name, label, code in con.sql(
        "select selection, selection_label, cjs_code from ref.offence_selections order by rowid"
    ).fetchall():
        selections.setdefault(name, (label, []))[1].append(code)
    return _CodeList(
        titles=titles,
        groups={r[0]: r[3] for r in rows},
        group_names=_group_names(
            con.sql("select offence_group_code, offence_group from ref.offence_groups").fetchall()
        ),
        variant_of=variant_of,
        selections={k: (v[0], tuple(v[1])) for k, v in selections.items()},
        **_about(con),
    )


def _crime_codes(con: duckdb.DuckDBPyConnection) -> _CodeList:
    rows = con.sql(
        "select ho_offence_code, ho_offence_title, ho_offence_group_code, ho_offence_group from ref.ho_offence_codes"
    ).fetchall()
    return _CodeList(
        titles={r[0]: r[1] for r in rows},
        groups={r[0]: r[3] for r in rows},
        group_names=_group_names([(r[2], r[3]) for r in rows]),
        variant_of={},
        selections={},
        source="crime",
        **_about(con),
    )


def _about(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The reference data's version and the label of group UNR, for messages and local codes."""
    version = con.sql("select version from ref.version").fetchall()
    label = con.sql(
        "select offence_group from ref.offence_groups where offence_group_code = 'UNR'"
    ).fetchall()
    return {
        "version": version[0][0] if version else "unknown",
        "unrecognised": label[0][0] if label else "Unrecognised offence code",
    }


def _group_names(pairs: list[tuple[str, str]]) -> dict[str, str]:
    out = {}
    for code, name in pairs:
        out[code.lower()] = name
        out[name.lower()] = name
    return out


def resolve_offences(
    con: duckdb.DuckDBPyConnection, offences: Offences, source: str, field: str = "offences"
) -> ResolvedOffences:
    codes = code_list(con, source)
    if offences.all_offences:
        return ResolvedOffences((), codes.titles, codes.groups, offences.label or "All offences")
    variants = set(offences.variants or [])
    categories, problems, local = [], [], {}
    for i, item in enumerate(offences.items):
        where = f"{field}.items[{i}].{item.kind}"
        try:
            label, base = _local_code(item, codes) if item.kind == "local_code" else _item_codes(item, codes)
        except LookupError as exc:
            problems.append((where, str(exc)))
            continue
        if item.kind == "local_code":
            local[base[0]] = label
        chosen = _apply_variants(base, variants, codes, keep_named=item.kind in ("code", "local_code"))
        if not chosen:
            problems.append(
                (
                    where,
                    f"{item.value!r} leaves no offence codes once variants {sorted(variants)} are applied",
                )
            )
            continue
        categories.append(Category(item.label or label, tuple(chosen), item.kind))
    labels = [c.label for c in categories]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append((f"{field}.items", f"two items are labelled {label!r}; give one a label of its own"))
    if problems:
        raise SpecError(problems)
    together = offences.label or (categories[0].label if len(categories) == 1 else "Selected offences")
    titles = codes.titles | {
        c: f"{label} (local code, not in the reference data)" for c, label in local.items()
    }
    groups = codes.groups | dict.fromkeys(local, codes.unrecognised)
    return ResolvedOffences(tuple(categories), titles, groups, together)


def _local_code(item: OffenceItem, codes: _CodeList) -> tuple[str, list[str]]:
    """A well-formed code the reference data lacks, counted on its own under group UNR."""
    code = codes.normalise(item.value)
    if code in codes.titles:
        kind = "ho_code" if codes.source == "crime" else "code"
        raise LookupError(
            f"{code} is in the reference data ({codes.titles[code]}): name it as {kind}: {code}"
        )
    if not codes.well_formed(code):
        shape = HO_SHAPE if codes.source == "crime" else CJS_SHAPE
        raise LookupError(f"{item.value!r} is not shaped like an offence code ({shape})")
    return str(item.label), [code]


def unknown_code(value: str, codes: _CodeList) -> str:
    """Why a code is not accepted. A well-formed code gets no 'closest known' code: a neighbouring code is a
    different offence. A malformed one may be a typing slip, so the closest known codes are offered."""
    code = codes.normalise(value)
    standing = (
        "the Home Office offence classification" if codes.source == "crime" else "the CJS standing data"
    )
    if not codes.well_formed(code):
        shape = HO_SHAPE if codes.source == "crime" else CJS_SHAPE
        return f"{value!r} is not shaped like an offence code ({shape}){suggest(code, codes.titles)}"
    unit = "crimes recorded" if codes.source == "crime" else "arrests"
    return (
        f"offence code {code} is not in the reference data (version {codes.version}), which is built from "
        f"{standing}. If it is a force's local code or newer than the reference data, {unit} under it are "
        f"counted under the offence group '{codes.unrecognised}' wherever every offence counts; to count it on "
        f"its own, name it as local_code: {code} with a label"
    )


def _item_codes(item: OffenceItem, codes: _CodeList) -> tuple[str, list[str]]:
    """The item's standard label and its codes before variants; LookupError says what is known instead."""
    value = item.value.strip()
    if item.kind in ("code", "ho_code"):
        code = codes.normalise(value)
        if code not in codes.titles:
            raise LookupError(unknown_code(value, codes))
        return codes.titles[code], [code]
    if item.kind == "selection":
        if value not in codes.selections:
            raise LookupError(
                f"no offence selection is called {value!r}{suggest(value, codes.selections)}; "
                "selections are listed in data/reference/offence_selections.csv"
            )
        label, members = codes.selections[value]
        return label, list(members)
    if item.kind == "group":
        name = codes.group_names.get(value.lower())
        if name is None:
            known = sorted({n for n in codes.group_names.values()})
            raise LookupError(f"no offence group is called {value!r}{suggest(value, known)}")
        members = sorted(c for c, g in codes.groups.items() if g == name)
        if not members:
            hint = (
                ": it holds the codes the reference data does not know, so it has none to list; count every "
                "offence (all_offences: true) with an offence_group breakdown, or name a code as local_code"
                if name == codes.unrecognised
                else ""
            )
            raise LookupError(f"no offence code in the reference data is in the group {name!r}{hint}")
        return name, members
    prefix = value.upper()
    members = sorted(c for c in codes.titles if c.startswith(prefix))
    if not members:
        prefixes = sorted({c[:4] for c in codes.titles})
        raise LookupError(f"no offence code starts with {value!r}{suggest(prefix, prefixes)}")
    return f"All offences with CJS codes {prefix}…", members


def _apply_variants(base: list[str], variants: set[str], codes: _CodeList, *, keep_named: bool) -> list[str]:
    """Drop variant codes the part does not include; add included variants of every substantive code."""
    out = []
    for code in base:
        variant = codes.variant_of.get(code)
        if variant is None or variant[1] in variants or keep_named:
            out.append(code)
    for code, (parent, name) in codes.variant_of.items():
        if name in variants and parent in out and code not in out:
            out.append(code)
    return out
