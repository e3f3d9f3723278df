-- One row per file of staged data.police.uk street crimes: violation counts pushed down into DuckDB.
-- Rows are keyed by (file_id, row_number); repeated and blank Crime IDs are legitimate and not counted.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
with street as (
    select file_id, row_number, month, reported_by, crime_type, last_outcome_category, outcome_category, extracted_at
    from staging.police_uk_street_crimes
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

known_crime_types as (
    select distinct crime_type from ref.police_uk_crime_types
),

row_checks as (
    select
        street.file_id,
        count(*) as street_rows,
        count(*) filter (where street.file_id is null or street.row_number is null) as null_key_rows,
        count(*) - count(distinct street.row_number) as duplicate_key_rows,
        count(*) filter (where known_crime_types.crime_type is null) as unknown_crime_type_rows,
        count(*) filter (
            where street.last_outcome_category is not null and street.outcome_category is null
        ) as unknown_outcome_rows,
        count(*) filter (where street.month > street.extracted_at) as month_after_receipt_rows
    from street
    left join known_crime_types on street.crime_type = known_crime_types.crime_type
    group by street.file_id
)

select
    file_id,
    street_rows,
    null_key_rows,
    duplicate_key_rows,
    unknown_crime_type_rows,
    unknown_outcome_rows,
    month_after_receipt_rows
from row_checks
order by file_id
