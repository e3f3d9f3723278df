-- One row per file of staged data.police.uk outcome events: violation counts pushed down into DuckDB.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
with outcomes as (
    select file_id, row_number, month, outcome_type, outcome_category, extracted_at
    from staging.police_uk_outcomes
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

row_checks as (
    select
        file_id,
        count(*) as outcome_rows,
        count(*) filter (where file_id is null or row_number is null) as null_key_rows,
        count(*) - count(distinct row_number) as duplicate_key_rows,
        count(*) filter (where outcome_category is null) as unknown_outcome_rows,
        count(*) filter (where month > extracted_at) as month_after_receipt_rows
    from outcomes
    group by file_id
)

select file_id, outcome_rows, null_key_rows, duplicate_key_rows, unknown_outcome_rows, month_after_receipt_rows
from row_checks
order by file_id
