-- Types and checks the rows of ONE delivered custody file (loaded as text, canonical column names, into the
-- temp view `batch`). Output: temp table `checked`, one row per input row: typed columns plus `problems`, a
-- list of {column_name, reason, raw_value} that is null for a good row; a row with problems is quarantined.
-- A custody record whose principal-offence row is bad (or missing) is quarantined whole, and so is one whose
-- rows disagree on record_status (blank = active; deleted or cancelled takes the record out of core).
-- Each check is written once, as a boolean; the problem list is only built for rows that fail one.
-- An offence code shaped like a CJS code but not in ref.offences (a force's local code, or one newer than the
-- standing data) is a good row, flagged is_unrecognised_offence_code and counted under "Unrecognised offence
-- code"; only a code that is not shaped like one ($cjs_code_pattern, flows/contracts/offence_codes.py) is bad.
-- Parameters: $<column>_formats for each date column (the canonical defaults or a profile's, the file's own
-- format first: see flows/ingest/dates.py), $swapped_formats (the same patterns with day and month swapped,
-- tried only on dates that failed: a date that reads only that way is reported so), $file_extracted_at
-- (the file's most common extracted_at, as text) and $cjs_code_pattern.
create or replace temp table checked as
with

duplicate_keys as (
    select clean_text(custody_ref) as custody_ref, try_cast(clean_text(offence_seq) as integer) as offence_seq
    from batch
    group by 1, 2
    having count(*) > 1
),

typed as (
    select
        batch.row_number,
        clean_text(batch.custody_ref) as custody_ref,
        clean_text(batch.person_ref) as person_ref,
        try_strptime(clean_text(batch.arrest_datetime), $arrest_datetime_formats) as arrest_at,
        try_cast(clean_text(batch.offence_seq) as integer) as offence_seq,
        upper(clean_text(batch.offence_code)) as offence_code,
        clean_text(batch.offence_description) as offence_description,
        clean_text(batch.disposal) as disposal,
        try_strptime(clean_text(batch.disposal_date), $disposal_date_formats)::date as disposal_date,
        try_cast(clean_text(batch.age_at_arrest) as integer) as age_at_arrest,
        clean_text(batch.gender) as gender,
        clean_text(batch.self_defined_ethnicity) as self_defined_ethnicity,
        clean_text(batch.station) as station,
        clean_text(batch.arresting_agency) as arresting_agency,
        lower(clean_text(batch.record_status)) as record_status,
        -- a row stamped with the file's own extracted_at (almost every row) skips parsing it again
        case
            when batch.extracted_at = $file_extracted_at then try_strptime($file_extracted_at, $extracted_at_formats)
            else try_strptime(clean_text(batch.extracted_at), $extracted_at_formats)
        end as extracted_at,
        try_strptime($file_extracted_at, $extracted_at_formats) as file_extracted_at,
        batch.arrest_datetime as raw_arrest_datetime,
        batch.offence_seq as raw_offence_seq,
        batch.offence_code as raw_offence_code,
        batch.disposal as raw_disposal,
        batch.disposal_date as raw_disposal_date,
        batch.age_at_arrest as raw_age_at_arrest,
        batch.record_status as raw_record_status,
        batch.extracted_at as raw_extracted_at
    from batch
),

flagged as (
    select
        typed.*,
        typed.custody_ref is null as is_missing_ref,
        typed.person_ref is null as is_missing_person,
        typed.arrest_at is null as is_bad_arrest_at,
        typed.arrest_at > typed.file_extracted_at as is_future_arrest_at,
        typed.offence_seq is null or typed.offence_seq < 1 as is_bad_seq,
        duplicate_keys.custody_ref is not null as is_duplicate_key,
        -- the pattern is tried only on codes the reference lacks (CASE evaluates lazily; every row: 2-3x slower)
        case
            when offences.cjs_code is not null then false
            else typed.offence_code is null or not regexp_full_match(typed.offence_code, $cjs_code_pattern)
        end as is_malformed_offence,
        offences.cjs_code is null as is_unknown_offence,
        disposals.disposal is null as is_unknown_disposal,
        clean_text(typed.raw_disposal_date) is not null and typed.disposal_date is null as is_bad_disposal_date,
        typed.disposal_date > typed.file_extracted_at as is_future_disposal_date,
        typed.age_at_arrest is null or typed.age_at_arrest not between 10 and 110 as is_absurd_age,
        typed.extracted_at is null or typed.extracted_at <> typed.file_extracted_at as is_odd_extracted_at,
        typed.record_status is not null
            and typed.record_status not in ('active', 'deleted', 'cancelled') as is_unknown_record_status
    from typed
    left join duplicate_keys
        on typed.custody_ref = duplicate_keys.custody_ref and typed.offence_seq = duplicate_keys.offence_seq
    left join ref.offences as offences on typed.offence_code = offences.cjs_code
    left join ref.custody_disposals as disposals on typed.disposal = disposals.disposal
),

row_problems as materialized (
    select
        flagged.* exclude (
            raw_arrest_datetime, raw_offence_seq, raw_offence_code, raw_disposal, raw_disposal_date,
            raw_age_at_arrest, raw_record_status, raw_extracted_at, file_extracted_at, is_missing_ref, is_missing_person, is_bad_arrest_at, is_future_arrest_at, is_bad_seq, is_duplicate_key,
            is_malformed_offence, is_unknown_offence, is_unknown_disposal, is_bad_disposal_date, is_future_disposal_date, is_absurd_age,
            is_odd_extracted_at, is_unknown_record_status
        ),
        is_unknown_offence and not is_malformed_offence as is_unrecognised_offence_code,
        case when is_missing_ref or is_missing_person or is_bad_arrest_at or is_future_arrest_at or is_bad_seq
                or is_duplicate_key or is_malformed_offence or is_unknown_disposal or is_bad_disposal_date
                or is_future_disposal_date or is_absurd_age or is_odd_extracted_at or is_unknown_record_status then
            list_filter([
                case when is_missing_ref then
                    {'column_name': 'custody_ref', 'reason': 'missing custody reference', 'raw_value': null} end,
                case when is_missing_person then
                    {'column_name': 'person_ref', 'reason': 'missing person reference', 'raw_value': null} end,
                case when is_bad_arrest_at then
                    {'column_name': 'arrest_datetime',
                     'reason': case when try_strptime(clean_text(raw_arrest_datetime), $swapped_formats) is not null
                         then 'date reads only with day and month swapped'
                         else 'date not recognised (expected ISO or dd/mm/yyyy [HH:MM])' end,
                     'raw_value': raw_arrest_datetime} end,
                case when is_future_arrest_at then
                    {'column_name': 'arrest_datetime', 'reason': 'date after the extract was taken',
                     'raw_value': raw_arrest_datetime} end,
                case when is_bad_seq then
                    {'column_name': 'offence_seq', 'reason': 'offence sequence is not a whole number >= 1',
                     'raw_value': raw_offence_seq} end,
                case when is_duplicate_key then
                    {'column_name': 'offence_seq', 'reason': 'duplicate custody_ref and offence_seq in this file',
                     'raw_value': raw_offence_seq} end,
                case when is_malformed_offence then
                    {'column_name': 'offence_code',
                     'reason': 'offence code missing or not shaped like a CJS code (two letters and two digits, or '
                         || 'COML, then a letter or digit and two digits, then an optional variant letter A, B, C '
                         || 'or I, e.g. TH68010, SX56A14, COML025, MD71145A)',
                     'raw_value': raw_offence_code} end,
                case when is_unknown_disposal then
                    {'column_name': 'disposal', 'reason': 'disposal not in the reference data',
                     'raw_value': raw_disposal} end,
                case when is_bad_disposal_date then
                    {'column_name': 'disposal_date',
                     'reason': case when try_strptime(clean_text(raw_disposal_date), $swapped_formats) is not null
                         then 'date reads only with day and month swapped'
                         else 'date not recognised (expected ISO or dd/mm/yyyy)' end,
                     'raw_value': raw_disposal_date} end,
                case when is_future_disposal_date then
                    {'column_name': 'disposal_date', 'reason': 'date after the extract was taken',
                     'raw_value': raw_disposal_date} end,
                case when is_absurd_age then
                    {'column_name': 'age_at_arrest', 'reason': 'age missing or outside 10 to 110',
                     'raw_value': raw_age_at_arrest} end,
                case when is_odd_extracted_at then
                    {'column_name': 'extracted_at',
                     'reason': 'extracted_at missing or different from the rest of the file',
                     'raw_value': raw_extracted_at} end,
                case when is_unknown_record_status then
                    {'column_name': 'record_status', 'reason': 'record status is not active, deleted or cancelled',
                     'raw_value': raw_record_status} end
            ], lambda p: p is not null)
        end as own_problems
    from flagged
),

record_checks as (
    select
        custody_ref,
        count(*) filter (where offence_seq = 1 and own_problems is null) = 0 as has_bad_principal,
        -- some rows deleted and some not; bool_or/bool_and, not count(distinct), which hashes every group's values
        bool_or(coalesce(record_status in ('deleted', 'cancelled'), false))
            <> bool_and(coalesce(record_status in ('deleted', 'cancelled'), false)) as has_mixed_status
    from row_problems
    where custody_ref is not null
    group by custody_ref
),

final as (
    select
        row_problems.* exclude (own_problems),
        case
            when row_problems.own_problems is null and record_checks.has_bad_principal then
                [{'column_name': 'offence_seq',
                  'reason': 'custody record quarantined whole: its principal offence row is bad or missing',
                  'raw_value': null}]
            when row_problems.own_problems is null and record_checks.has_mixed_status then
                [{'column_name': 'record_status',
                  'reason': 'custody record quarantined whole: its rows disagree on whether it is deleted',
                  'raw_value': null}]
            else row_problems.own_problems
        end as problems
    from row_problems
    left join record_checks on row_problems.custody_ref = record_checks.custody_ref
)

select * from final
