-- Types and checks the rows of ONE delivered crime file (loaded as text, canonical column names, into the temp
-- view `batch`). Output: temp table `checked`, one row per input row: typed columns plus `problems`, a list of
-- {column_name, reason, raw_value} that is null for a good row; rows with problems are quarantined.
-- Each check is written once, as a boolean; the problem list is only built for rows that fail one, so a
-- clean file of millions of rows pays for the checks and not for the messages.
-- The Home Office code is read as the reference list writes it (08N -> 8N, 37/2 -> 37.2); one shaped like a
-- code ($ho_code_pattern, flows/contracts/offence_codes.py) but not in ref.ho_offence_codes is a good row,
-- flagged is_unrecognised_offence_code; only a code not shaped like one is bad.
-- Optional markers (README, canonical formats): domestic_abuse and knife_or_sharp_instrument are Y, N or
-- blank (blank: not recorded, null); hate_crime_strands is blank (none) or strands from $hate_crime_strands
-- separated by ';'. A file without the column ($has_hate_crime_strands false) leaves it null: not recorded.
-- Parameters: $<column>_formats for each date column (the file's own format first: flows/ingest/dates.py),
-- $swapped_formats (day and month swapped, tried only on dates that failed), $file_extracted_at (the
-- file's most common extracted_at, as text), $ho_code_pattern, $hate_crime_strands, $has_hate_crime_strands.
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
        -- 08N -> 8N, 37/2 -> 37.2; the LIKEs spare nearly every row the regexp (on all rows: ~8x slower)
        case
            when upper(clean_text(batch.ho_offence_code)) like '0%' or batch.ho_offence_code like '%/%' then
                regexp_replace(replace(upper(clean_text(batch.ho_offence_code)), '/', '.'), '^0+([0-9])', '\1')
            else upper(clean_text(batch.ho_offence_code))
        end as ho_offence_code,
        clean_text(batch.offence_description) as offence_description,
        clean_text(batch.outcome_code) as outcome_code,
        try_strptime(clean_text(batch.outcome_date), $outcome_date_formats)::date as outcome_date,
        clean_text(batch.district) as district,
        lower(clean_text(batch.crime_status)) as crime_status,
        upper(clean_text(batch.domestic_abuse)) as domestic_abuse,
        upper(clean_text(batch.knife_or_sharp_instrument)) as knife_or_sharp_instrument,
        -- blank (nearly every row) is no strands: the list functions run only on rows that name some (6x faster)
        case
            when not $has_hate_crime_strands then null
            when clean_text(batch.hate_crime_strands) is null then []::varchar[]
            else list_sort(list_distinct(list_filter(
                list_transform(string_split(clean_text(batch.hate_crime_strands), ';'),
                               lambda s: replace(replace(lower(trim(s)), ' ', '_'), '-', '_')),
                lambda s: s <> '')))
        end as hate_crime_strands,
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
        batch.crime_status as raw_crime_status,
        batch.domestic_abuse as raw_domestic_abuse,
        batch.knife_or_sharp_instrument as raw_knife_or_sharp_instrument,
        batch.hate_crime_strands as raw_hate_crime_strands
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
        case
            when offence_codes.ho_offence_code is not null then false
            else typed.ho_offence_code is null or not regexp_full_match(typed.ho_offence_code, $ho_code_pattern)
        end as is_malformed_offence_code,
        offence_codes.ho_offence_code is null as is_unknown_offence_code,
        typed.outcome_code is not null and outcomes.outcome_code is null as is_unknown_outcome,
        clean_text(typed.raw_outcome_date) is not null and typed.outcome_date is null as is_bad_outcome_date,
        typed.outcome_date > typed.file_extracted_at as is_future_outcome_date,
        typed.extracted_at is null or typed.extracted_at <> typed.file_extracted_at as is_odd_extracted_at,
        -- blank or active is a live crime; an unknown word cannot say whether the crime counts
        typed.crime_status is not null
            and typed.crime_status not in ('active', 'cancelled', 'transferred', 'deleted') as is_unknown_crime_status,
        coalesce(typed.domestic_abuse not in ('Y', 'N'), false) as is_bad_domestic_abuse,
        coalesce(typed.knife_or_sharp_instrument not in ('Y', 'N'), false) as is_bad_knife_or_sharp_instrument,
        coalesce(len(list_filter(typed.hate_crime_strands, lambda s: not list_contains($hate_crime_strands, s))) > 0,
                 false) as is_bad_hate_crime_strands
    from typed
    left join duplicate_refs on typed.crime_ref = duplicate_refs.crime_ref
    left join ref.ho_offence_codes as offence_codes on typed.ho_offence_code = offence_codes.ho_offence_code
    left join ref.ho_outcome_types as outcomes on typed.outcome_code = outcomes.outcome_code
),

final as (
    select
        flagged.* exclude (
            raw_recorded_date, raw_committed_date, raw_ho_offence_code, raw_outcome_code, raw_outcome_date,
            raw_extracted_at, raw_crime_status, raw_domestic_abuse, raw_knife_or_sharp_instrument,
            raw_hate_crime_strands, domestic_abuse, knife_or_sharp_instrument, file_extracted_at, is_missing_ref,
            is_duplicate_ref, is_bad_recorded_date, is_future_recorded_date, is_bad_committed_date,
            is_malformed_offence_code, is_unknown_offence_code, is_unknown_outcome, is_bad_outcome_date,
            is_future_outcome_date, is_odd_extracted_at, is_unknown_crime_status, is_bad_domestic_abuse,
            is_bad_knife_or_sharp_instrument, is_bad_hate_crime_strands
        ),
        domestic_abuse = 'Y' as is_domestic_abuse,
        knife_or_sharp_instrument = 'Y' as is_knife_or_sharp_instrument,
        is_unknown_offence_code and not is_malformed_offence_code as is_unrecognised_offence_code,
        case when is_missing_ref or is_duplicate_ref or is_bad_recorded_date or is_future_recorded_date
                or is_bad_committed_date or is_malformed_offence_code or is_unknown_outcome or is_bad_outcome_date
                or is_future_outcome_date or is_odd_extracted_at or is_unknown_crime_status or is_bad_domestic_abuse
                or is_bad_knife_or_sharp_instrument or is_bad_hate_crime_strands then
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
                case when is_malformed_offence_code then
                    {'column_name': 'ho_offence_code',
                     'reason': 'Home Office offence code missing or not shaped like one (a number of up to three '
                         || 'digits, an optional letter and an optional .N or /N part, e.g. 8N, 105A, 37.2)',
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
                     'raw_value': raw_crime_status} end,
                case when is_bad_domestic_abuse then
                    {'column_name': 'domestic_abuse', 'reason': 'domestic_abuse is not Y, N or blank',
                     'raw_value': raw_domestic_abuse} end,
                case when is_bad_knife_or_sharp_instrument then
                    {'column_name': 'knife_or_sharp_instrument',
                     'reason': 'knife_or_sharp_instrument is not Y, N or blank',
                     'raw_value': raw_knife_or_sharp_instrument} end,
                case when is_bad_hate_crime_strands then
                    {'column_name': 'hate_crime_strands',
                     'reason': 'hate_crime_strands holds a strand other than ' || array_to_string($hate_crime_strands, ', ')
                         || ' (several are separated by ;)',
                     'raw_value': raw_hate_crime_strands} end
            ], lambda p: p is not null)
        end as problems
    from flagged
)

select * from final
