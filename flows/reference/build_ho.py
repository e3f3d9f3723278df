"""Rows of data/reference/ho_offence_codes.csv from the ONS crime-offence hierarchy (``disclose reference build``).

Why: crime extracts carry Home Office offence codes (8N, 105A, 28E ...), not CJS codes. The ONS hierarchy
(ONSdigital/dp-hierarchy-builder, crime-offence.cypher) is the only public list we hold that puts every HO code
under its offence group, so we take its leaves as the code list and its top level as the group. Codes the Home
Office keeps only for outcomes of older crimes (burglary before April 2017, fraud before 2013/14) are flagged,
so nothing new is recorded against them.
"""

from __future__ import annotations

SOURCE_NAME = "ons_crime_offence_hierarchy.csv"
ROOT = "offence"
COLUMNS = [
    "ho_offence_code",
    "ho_offence_title",
    "ho_offence_group_code",
    "ho_offence_group",
    "ho_offence_subgroup",
    "is_outcomes_only",
]


def build_rows(hierarchy: list[dict[str, str]], groups: dict[str, str]) -> list[list[str]]:
    """One row per leaf of the hierarchy: the leaves are the HO codes, the nodes above them are headings."""
    by_code = {r["code"]: r for r in hierarchy}
    parents = {r["parent_code"] for r in hierarchy}
    code_of_group = {name: code for code, name in groups.items()}
    rows = []
    for node in hierarchy:
        if node["code"] in parents or node["code"] == ROOT:
            continue
        chain = _ancestors(node, by_code)  # nearest first, ending at the top-level group
        group = chain[-1]["label"]
        if group not in code_of_group:
            raise ValueError(
                f"{SOURCE_NAME}: group {group!r} of code {node['code']!r} is not in offence_groups.csv"
            )
        subgroup = chain[0]["label"] if len(chain) > 1 else ""
        outcomes_only = "outcome only" in node["label"].lower() or "outcomes only" in node["label"].lower()
        rows.append(
            [node["code"], node["label"], code_of_group[group], group, subgroup, str(outcomes_only).lower()]
        )
    rows.sort(key=lambda r: (r[2], r[0]))
    return rows


def _ancestors(node: dict[str, str], by_code: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    chain, parent = [], node["parent_code"]
    while parent and parent != ROOT:
        chain.append(by_code[parent])
        parent = by_code[parent]["parent_code"]
    if not chain:
        raise ValueError(f"{SOURCE_NAME}: code {node['code']!r} sits directly under the root")
    return chain
