-- One row per file of staged crimes, holding violation counts pushed down into DuckDB, so GX sees counts
-- only (never a crime's row) however many millions of rows staging holds.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
-- $ho_code_pattern and $hate_crime_strands: a well-formed Home Office code and the known strands
-- (flows/contracts/offence_codes.py, flows/ingest/sources.py). A well-formed code the reference data lacks
-- is counted as unrecognised, not an error; its share of a file's rows is reported for a warning.
with crimes as (
    select
        file_id, row_number, crime_ref, recorded_date, ho_offence_code, outcome_code, outcome_date, crime_status,
        hate_crime_strands, extracted_at
    from staging.crimes
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

known_outcome_codes as (
    select distinct outcome_code from ref.ho_outcome_types
),

known_offence_codes as (
    select distinct ho_offence_code from ref.ho_offence_codes
),

row_checks as (
    select
        crimes.file_id,
        count(*) as crime_rows,
        count(*) filter (
            where crimes.file_id is null or crimes.row_number is null or crimes.crime_ref is null
        ) as null_key_rows,
        count(*) filter (
            where crimes.outcome_code is not null and known_outcome_codes.outcome_code is null
        ) as unknown_outcome_code_rows,
        -- a code the reference data holds is a code, whatever its shape (the ONS homicide heading 1-4.1-4.10-4.2)
        count(*) filter (
            where known_offence_codes.ho_offence_code is null
                and (crimes.ho_offence_code is null or not regexp_full_match(crimes.ho_offence_code, $ho_code_pattern))
        ) as malformed_offence_code_rows,
        count(*) filter (where known_offence_codes.ho_offence_code is null) as unrecognised_offence_code_rows,
        count(*) filter (
            where len(list_filter(crimes.hate_crime_strands, lambda s: not list_contains($hate_crime_strands, s))) > 0
        ) as unknown_hate_crime_strand_rows,
        count(*) filter (where crimes.outcome_date < crimes.recorded_date) as outcome_before_recorded_rows,
        count(*) filter (where crimes.recorded_date > crimes.extracted_at) as recorded_after_extract_rows,
        -- ingest quarantines any other value; core would count such a crime as live (00_crimes_as_known_at.sql)
        count(*) filter (
            where crimes.crime_status not in ('active', 'cancelled', 'transferred', 'deleted')
        ) as unknown_crime_status_rows
    from crimes
    left join known_outcome_codes on crimes.outcome_code = known_outcome_codes.outcome_code
    left join known_offence_codes on crimes.ho_offence_code = known_offence_codes.ho_offence_code
    group by crimes.file_id
),

crime_counts as (
    select file_id, crime_ref, count(*) as copies
    from crimes
    group by file_id, crime_ref
),

duplicate_crimes as (
    select file_id, sum(copies - 1)::bigint as duplicate_crime_rows
    from crime_counts
    where copies > 1
    group by file_id
),

final as (
    select
        row_checks.file_id,
        row_checks.crime_rows,
        row_checks.null_key_rows,
        coalesce(duplicate_crimes.duplicate_crime_rows, 0) as duplicate_crime_rows,
        row_checks.unknown_outcome_code_rows,
        row_checks.malformed_offence_code_rows,
        row_checks.unrecognised_offence_code_rows,
        row_checks.unrecognised_offence_code_rows / row_checks.crime_rows as unrecognised_offence_code_share,
        row_checks.unknown_hate_crime_strand_rows,
        row_checks.outcome_before_recorded_rows,
        row_checks.recorded_after_extract_rows,
        row_checks.unknown_crime_status_rows
    from row_checks
    left join duplicate_crimes on row_checks.file_id = duplicate_crimes.file_id
)

select
    file_id,
    crime_rows,
    null_key_rows,
    duplicate_crime_rows,
    unknown_outcome_code_rows,
    malformed_offence_code_rows,
    unrecognised_offence_code_rows,
    unrecognised_offence_code_share,
    unknown_hate_crime_strand_rows,
    outcome_before_recorded_rows,
    recorded_after_extract_rows,
    unknown_crime_status_rows
from final
order by file_id
