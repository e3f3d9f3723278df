-- One row per loaded file (and per file id found in staging without a loaded ledger entry): what the
-- ledger recorded next to what staging and quarantine actually hold. Counts only; no row data leaves DuckDB.
-- This is the data.police.uk half: files whose source is police_uk_*, staged into their own tables.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
with loaded_files as (
    select file_id, status, rows_read, rows_staged, rows_quarantined
    from raw.extract_files
    where list_contains($loaded_statuses, status)
        and not list_contains($checked_file_ids::bigint[], file_id)
        and starts_with(coalesce(source, ''), 'police_uk_')
),

staged_rows as (
    select file_id, row_number from staging.police_uk_street_crimes
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
    union all
    select file_id, row_number from staging.police_uk_outcomes
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
    union all
    select file_id, row_number from staging.police_uk_stop_searches
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
    union all
    select file_id, row_number from staging.police_uk_neighbourhood_counts
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

staged_counts as (
    select file_id, count(*) as staged_rows_counted
    from staged_rows
    group by file_id
),

quarantined_rows as (
    select distinct file_id, row_number
    from quarantine.rows
    where file_id in (select loaded_files.file_id from loaded_files)
        and not list_contains($checked_file_ids::bigint[], file_id)
),

quarantined_counts as (
    select file_id, count(*) as quarantined_rows_counted
    from quarantined_rows
    group by file_id
),

rows_in_both as (
    select staged_rows.file_id, count(*) as rows_staged_and_quarantined
    from staged_rows
    inner join quarantined_rows
        on staged_rows.file_id = quarantined_rows.file_id
        and staged_rows.row_number = quarantined_rows.row_number
    group by staged_rows.file_id
),

file_ids as (
    select file_id from loaded_files
    union
    select file_id from staged_counts
),

final as (
    select
        file_ids.file_id,
        loaded_files.status as ledger_status,
        loaded_files.rows_read,
        loaded_files.rows_staged,
        loaded_files.rows_quarantined,
        coalesce(staged_counts.staged_rows_counted, 0) as staged_rows_counted,
        coalesce(quarantined_counts.quarantined_rows_counted, 0) as quarantined_rows_counted,
        coalesce(staged_counts.staged_rows_counted, 0)
            + coalesce(quarantined_counts.quarantined_rows_counted, 0) as rows_accounted_for,
        coalesce(rows_in_both.rows_staged_and_quarantined, 0) as rows_staged_and_quarantined
    from file_ids
    left join loaded_files on file_ids.file_id = loaded_files.file_id
    left join staged_counts on file_ids.file_id = staged_counts.file_id
    left join quarantined_counts on file_ids.file_id = quarantined_counts.file_id
    left join rows_in_both on file_ids.file_id = rows_in_both.file_id
)

select
    file_id,
    ledger_status,
    rows_read,
    rows_staged,
    rows_quarantined,
    staged_rows_counted,
    quarantined_rows_counted,
    rows_accounted_for,
    rows_staged_and_quarantined
from final
order by file_id
