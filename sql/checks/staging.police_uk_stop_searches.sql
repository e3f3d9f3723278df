-- One row per file of staged data.police.uk stop and search records: violation counts pushed down into DuckDB.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
with searches as (
    select file_id, row_number, searched_at, search_type, extracted_at
    from staging.police_uk_stop_searches
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

row_checks as (
    select
        file_id,
        count(*) as search_rows,
        count(*) filter (where file_id is null or row_number is null) as null_key_rows,
        count(*) - count(distinct row_number) as duplicate_key_rows,
        count(*) filter (where searched_at is null or search_type is null) as incomplete_rows,
        count(*) filter (where searched_at::timestamp > extracted_at + interval 1 day) as search_after_receipt_rows
    from searches
    group by file_id
)

select file_id, search_rows, null_key_rows, duplicate_key_rows, incomplete_rows, search_after_receipt_rows
from row_checks
order by file_id
