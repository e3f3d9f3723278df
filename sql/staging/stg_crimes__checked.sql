-- Types and checks the rows of ONE delivered crime file (loaded as text into temp table `batch`).
-- Output: temp table `checked` with typed columns plus `problems`; rows with problems are quarantined.
create or replace temp table checked as
with

typed as (
    select
        row_number,
        nullif(trim(crime_ref), '') as crime_ref,
        try_strptime(trim(recorded_date), ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y', '%d/%m/%Y %H:%M'])::date
            as recorded_date,
        try_strptime(trim(committed_date), ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y', '%d/%m/%Y %H:%M'])::date
            as committed_date,
        upper(nullif(trim(ho_offence_code), '')) as ho_offence_code,
        nullif(trim(offence_description), '') as offence_description,
        nullif(trim(outcome_code), '') as outcome_code,
        try_strptime(trim(outcome_date), ['%Y-%m-%d', '%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y', '%d/%m/%Y %H:%M'])::date
            as outcome_date,
        nullif(trim(district), '') as district,
        lower(nullif(trim(crime_status), '')) as crime_status,
        try_strptime(trim(extracted_at), [
            '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d',
            '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y'
        ]) as extracted_at,
        recorded_date as raw_recorded_date,
        committed_date as raw_committed_date,
        outcome_code as raw_outcome_code,
        outcome_date as raw_outcome_date,
        extracted_at as raw_extracted_at
    from batch
),

keyed as (
    select
        typed.*,
        (select mode(extracted_at) from typed where extracted_at is not null) as file_extracted_at,
        count(*) over (partition by crime_ref) as key_rows,
        outcome_code is null or outcome_code in (select outcome_code from ref.ho_outcome_types) as is_known_outcome
    from typed
),

final as (
    select
        keyed.*,
        list_filter([
            case when crime_ref is null then
                {'column_name': 'crime_ref', 'reason': 'missing crime reference', 'raw_value': null} end,
            case when crime_ref is not null and key_rows > 1 then
                {'column_name': 'crime_ref', 'reason': 'duplicate crime_ref in this file', 'raw_value': null} end,
            case when recorded_date is null then
                {'column_name': 'recorded_date', 'reason': 'date not recognised (expected ISO or dd/mm/yyyy)',
                 'raw_value': raw_recorded_date} end,
            case when recorded_date > file_extracted_at then
                {'column_name': 'recorded_date', 'reason': 'date after the extract was taken', 'raw_value': raw_recorded_date} end,
            case when nullif(trim(raw_committed_date), '') is not null and committed_date is null then
                {'column_name': 'committed_date', 'reason': 'date not recognised (expected ISO or dd/mm/yyyy)',
                 'raw_value': raw_committed_date} end,
            case when not is_known_outcome then
                {'column_name': 'outcome_code', 'reason': 'outcome type not in the reference data', 'raw_value': raw_outcome_code} end,
            case when nullif(trim(raw_outcome_date), '') is not null and outcome_date is null then
                {'column_name': 'outcome_date', 'reason': 'date not recognised (expected ISO or dd/mm/yyyy)',
                 'raw_value': raw_outcome_date} end,
            case when outcome_date > file_extracted_at then
                {'column_name': 'outcome_date', 'reason': 'date after the extract was taken', 'raw_value': raw_outcome_date} end,
            case when extracted_at is null or extracted_at <> file_extracted_at then
                {'column_name': 'extracted_at', 'reason': 'extracted_at missing or different from the rest of the file',
                 'raw_value': raw_extracted_at} end
        ], lambda p: p is not null) as problems
    from keyed
)

select * from final
