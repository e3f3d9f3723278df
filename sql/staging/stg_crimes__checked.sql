-- Types and checks the rows of ONE delivered crime file (loaded as text, canonical column names, into the temp
-- view `batch`). Output: temp table `checked`, one row per input row: typed columns plus `problems`, a list of
-- {column_name, reason, raw_value} that is null for a good row; rows with problems are quarantined.
-- Each check is written once, as a boolean; the problem list is only built for rows that fail one, so a
-- clean file of millions of rows pays for the checks and not for the messages.
-- Parameters: $<column>_formats for each date column (the file's own format first: flows/ingest/dates.py),
-- $swapped_formats (day and month swapped, tried only on dates that failed) and $file_extracted_at (the
-- file's most common extracted_at, as text).
create or replace temp table checked as
with

duplicate_refs as (
    select clean_text(crime_ref) as crime_ref
    from batch
    group by 1
    having count(*) > 1
),

typed as (
    select
        batch.row_number,
        clean_text(batch.crime_ref) as crime_ref,
        try_strptime(clean_text(batch.recorded_date), $recorded_date_formats)::date as recorded_date,
        try_strptime(clean_text(batch.committed_date), $committed_date_formats)::date as committed_date,
        upper(clean_text(batch.ho_offence_code)) as ho_offence_code,
        clean_text(batch.offence_description) as offence_description,
        clean_text(batch.outcome_code) as outcome_code,
        try_strptime(clean_text(batch.outcome_date), $outcome_date_formats)::date as outcome_date,
        clean_text(batch.district) as district,
        lower(clean_text(batch.crime_status)) as crime_status,
        -- a row stamped with the file's own extracted_at (almost every row) skips parsing it again
        case
            when batch.extracted_at = $file_extracted_at then try_strptime($file_extracted_at, $extracted_at_formats)
            else try_strptime(clean_text(batch.extracted_at), $extracted_at_formats)
        end as extracted_at,
        try_strptime($file_extracted_at, $extracted_at_formats) as file_extracted_at,
        batch.recorded_date as raw_recorded_date,
        batch.committed_date as raw_committed_date,
        batch.ho_offence_code as raw_ho_offence_code,
        batch.outcome_code as raw_outcome_code,
        batch.outcome_date as raw_outcome_date,
        batch.extracted_at as raw_extracted_at,
        batch.crime_status as raw_crime_status
    from batch
),

flagged as (
    select
        typed.*,
        typed.crime_ref is null as is_missing_ref,
        duplicate_refs.crime_ref is not null as is_duplicate_ref,
        typed.recorded_date is null as is_bad_recorded_date,
        typed.recorded_date > typed.file_extracted_at as is_future_recorded_date,
        clean_text(typed.raw_committed_date) is not null and typed.committed_date is null as is_bad_committed_date,
        typed.ho_offence_code is null or offence_codes.ho_offence_code is null as is_unknown_offence_code,
        typed.outcome_code is not null and outcomes.outcome_code is null as is_unknown_outcome,
        clean_text(typed.raw_outcome_date) is not null and typed.outcome_date is null as is_bad_outcome_date,
        typed.outcome_date > typed.file_extracted_at as is_future_outcome_date,
        typed.extracted_at is null or typed.extracted_at <> typed.file_extracted_at as is_odd_extracted_at,
        -- blank or active is a live crime; an unknown word cannot say whether the crime counts
        typed.crime_status is not null
            and typed.crime_status not in ('active', 'cancelled', 'transferred', 'deleted') as is_unknown_crime_status
    from typed
    left join duplicate_refs on typed.crime_ref = duplicate_refs.crime_ref
    left join ref.ho_offence_codes as offence_codes on typed.ho_offence_code = offence_codes.ho_offence_code
    left join ref.ho_outcome_types as outcomes on typed.outcome_code = outcomes.outcome_code
),

final as (
    select
        flagged.* exclude (
            raw_recorded_date, raw_committed_date, raw_ho_offence_code, raw_outcome_code, raw_outcome_date,
            raw_extracted_at, raw_crime_status, file_extracted_at, is_missing_ref, is_duplicate_ref, is_bad_recorded_date, is_future_recorded_date, is_bad_committed_date,
            is_unknown_offence_code, is_unknown_outcome, is_bad_outcome_date, is_future_outcome_date,
            is_odd_extracted_at, is_unknown_crime_status
        ),
        case when is_missing_ref or is_duplicate_ref or is_bad_recorded_date or is_future_recorded_date
                or is_bad_committed_date or is_unknown_offence_code or is_unknown_outcome or is_bad_outcome_date
                or is_future_outcome_date or is_odd_extracted_at or is_unknown_crime_status then
            list_filter([
                case when is_missing_ref then
                    {'column_name': 'crime_ref', 'reason': 'missing crime reference', 'raw_value': null} end,
                case when is_duplicate_ref then
                    {'column_name': 'crime_ref', 'reason': 'duplicate crime_ref in this file', 'raw_value': null} end,
                case when is_bad_recorded_date then
                    {'column_name': 'recorded_date',
                     'reason': case when try_strptime(clean_text(raw_recorded_date), $swapped_formats) is not null
                         then 'date reads only with day and month swapped'
                         else 'date not recognised (expected ISO or dd/mm/yyyy)' end,
                     'raw_value': raw_recorded_date} end,
                case when is_future_recorded_date then
                    {'column_name': 'recorded_date', 'reason': 'date after the extract was taken',
                     'raw_value': raw_recorded_date} end,
                case when is_bad_committed_date then
                    {'column_name': 'committed_date',
                     'reason': case when try_strptime(clean_text(raw_committed_date), $swapped_formats) is not null
                         then 'date reads only with day and month swapped'
                         else 'date not recognised (expected ISO or dd/mm/yyyy)' end,
                     'raw_value': raw_committed_date} end,
                case when is_unknown_offence_code then
                    {'column_name': 'ho_offence_code', 'reason': 'Home Office offence code missing or not in the reference data',
                     'raw_value': raw_ho_offence_code} end,
                case when is_unknown_outcome then
                    {'column_name': 'outcome_code', 'reason': 'outcome type not in the reference data',
                     'raw_value': raw_outcome_code} end,
                case when is_bad_outcome_date then
                    {'column_name': 'outcome_date',
                     'reason': case when try_strptime(clean_text(raw_outcome_date), $swapped_formats) is not null
                         then 'date reads only with day and month swapped'
                         else 'date not recognised (expected ISO or dd/mm/yyyy)' end,
                     'raw_value': raw_outcome_date} end,
                case when is_future_outcome_date then
                    {'column_name': 'outcome_date', 'reason': 'date after the extract was taken',
                     'raw_value': raw_outcome_date} end,
                case when is_odd_extracted_at then
                    {'column_name': 'extracted_at', 'reason': 'extracted_at missing or different from the rest of the file',
                     'raw_value': raw_extracted_at} end,
                case when is_unknown_crime_status then
                    {'column_name': 'crime_status', 'reason': 'crime status is not active, cancelled, transferred or deleted',
                     'raw_value': raw_crime_status} end
            ], lambda p: p is not null)
        end as problems
    from flagged
)

select * from final
