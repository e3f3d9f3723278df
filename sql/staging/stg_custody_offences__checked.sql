-- Types and checks the rows of ONE delivered custody file (loaded as text into temp table `batch`).
-- Output: temp table `checked`, one row per input row, typed columns plus `problems`
-- (a list of {column_name, reason, raw_value}); a row with any problem is quarantined, not staged.
-- A custody record whose principal-offence row is bad (or missing) is quarantined whole.
create or replace temp table checked as
with

typed as (
    select
        row_number,
        nullif(trim(custody_ref), '') as custody_ref,
        nullif(trim(person_ref), '') as person_ref,
        try_strptime(trim(arrest_datetime), [
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d',
            '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'
        ]) as arrest_at,
        try_cast(trim(offence_seq) as integer) as offence_seq,
        upper(nullif(trim(offence_code), '')) as offence_code,
        nullif(trim(offence_description), '') as offence_description,
        nullif(trim(disposal), '') as disposal,
        try_strptime(trim(disposal_date), [
            '%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y', '%d/%m/%Y %H:%M'
        ])::date as disposal_date,
        try_cast(trim(age_at_arrest) as integer) as age_at_arrest,
        nullif(trim(gender), '') as gender,
        nullif(trim(self_defined_ethnicity), '') as self_defined_ethnicity,
        nullif(trim(station), '') as station,
        nullif(trim(arresting_agency), '') as arresting_agency,
        try_strptime(trim(extracted_at), [
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d',
            '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'
        ]) as extracted_at,
        arrest_datetime as raw_arrest_datetime,
        offence_seq as raw_offence_seq,
        offence_code as raw_offence_code,
        disposal as raw_disposal,
        disposal_date as raw_disposal_date,
        age_at_arrest as raw_age_at_arrest,
        extracted_at as raw_extracted_at
    from batch
),

file_extracted_at as (
    select mode(extracted_at) as value from typed where extracted_at is not null
),

keyed as (
    select
        typed.*,
        (select value from file_extracted_at) as file_extracted_at,
        count(*) over (partition by custody_ref, offence_seq) as key_rows,
        offence_code in (select cjs_code from ref.offences) as is_known_offence,
        disposal in (select disposal from ref.custody_disposals) as is_known_disposal
    from typed
),

row_problems as (
    select
        keyed.*,
        list_filter([
            case when custody_ref is null then
                {'column_name': 'custody_ref', 'reason': 'missing custody reference', 'raw_value': null} end,
            case when person_ref is null then
                {'column_name': 'person_ref', 'reason': 'missing person reference', 'raw_value': null} end,
            case when arrest_at is null then
                {'column_name': 'arrest_datetime', 'reason': 'date not recognised (expected ISO or dd/mm/yyyy [HH:MM])',
                 'raw_value': raw_arrest_datetime} end,
            case when arrest_at > file_extracted_at then
                {'column_name': 'arrest_datetime', 'reason': 'date after the extract was taken',
                 'raw_value': raw_arrest_datetime} end,
            case when offence_seq is null or offence_seq < 1 then
                {'column_name': 'offence_seq', 'reason': 'offence sequence is not a whole number >= 1',
                 'raw_value': raw_offence_seq} end,
            case when custody_ref is not null and offence_seq is not null and key_rows > 1 then
                {'column_name': 'offence_seq', 'reason': 'duplicate custody_ref and offence_seq in this file',
                 'raw_value': raw_offence_seq} end,
            case when not coalesce(is_known_offence, false) then
                {'column_name': 'offence_code', 'reason': 'offence code not in the reference data',
                 'raw_value': raw_offence_code} end,
            case when not coalesce(is_known_disposal, false) then
                {'column_name': 'disposal', 'reason': 'disposal not in the reference data', 'raw_value': raw_disposal} end,
            case when nullif(trim(raw_disposal_date), '') is not null and disposal_date is null then
                {'column_name': 'disposal_date', 'reason': 'date not recognised (expected ISO or dd/mm/yyyy)',
                 'raw_value': raw_disposal_date} end,
            case when disposal_date > file_extracted_at then
                {'column_name': 'disposal_date', 'reason': 'date after the extract was taken',
                 'raw_value': raw_disposal_date} end,
            case when age_at_arrest is null or age_at_arrest not between 10 and 110 then
                {'column_name': 'age_at_arrest', 'reason': 'age missing or outside 10 to 110',
                 'raw_value': raw_age_at_arrest} end,
            case when extracted_at is null or extracted_at <> file_extracted_at then
                {'column_name': 'extracted_at', 'reason': 'extracted_at missing or different from the rest of the file',
                 'raw_value': raw_extracted_at} end
        ], lambda p: p is not null) as own_problems
    from keyed
),

records_with_bad_principal as (
    select custody_ref
    from row_problems
    where custody_ref is not null
    group by custody_ref
    having count(*) filter (where offence_seq = 1 and len(own_problems) = 0) = 0
),

final as (
    select
        row_problems.* exclude (own_problems),
        case
            when len(own_problems) = 0 and custody_ref in (select custody_ref from records_with_bad_principal)
                then [{'column_name': 'offence_seq', 'reason': 'custody record quarantined whole: its principal offence row is bad or missing', 'raw_value': null}]
            else own_problems
        end as problems
    from row_problems
)

select * from final
