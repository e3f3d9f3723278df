"""Ad-hoc FOI requests and standing publications as data: a YAML spec in, tidy tables out.

Entry points:
- ``spec.load_spec(path) -> (RequestSpec, sha256)``; ``spec.load_standing(path)`` for ``data/requests/standing/``
- ``answer.answer_request(con, spec, sql_dir, *, margins=False) -> list[TidyTable]`` (one table per data part;
  ``answer_request_planned`` also returns each part's plan, which says what its cells count)
- ``answer.is_additive(table)``: False where totals are distinct counts (persons; the any-offence rule)
- ``derived.derive_changes(table)``: re-derive change / % change from the final flags after suppression
- ``letter_facts.letter_facts(spec, tables)``: due date, each part and how it is answered, sections cited
- ``calendar.due_release(calendar, today, published)`` and ``standing.standing_parts(spec, period)``
- ``revisions.mark_revisions(table, previous)``: ``[r]`` against the previous standing release
- ``schema.export_schemas(folder)``: the JSON Schemas in ``data/requests/``
Every problem with a spec is a ``errors.SpecError`` naming the file, the field and the reason.
"""
