-- The counted units of an arrests or persons-arrested request: one row per (unit, offence category, period
-- window), with every breakdown column a request may ask for. The count query (count_cells.sql) groups these.
-- Parameters only:
--   $codes        list of {code, offence, offence_group}: the selected CJS codes and their categories
--   $all_offences true when every offence counts ($codes is then empty); $all_label names them together
--   $windows      list of {period, start_date, end_date, is_current}: current windows and comparison windows
--                 (a comparison window carries the label of the period it is compared with)
--   $rule         'principal' (one arrest per custody record, under its principal offence) | 'any'
--   $date_basis   'arrest' | 'outcome' (the disposal date; records still pending have none)
--   $unit         'custody_record' | 'person'
-- {offence_rows} is one of the fixed fragments custody_rows_latest.sql / custody_rows_as_at.sql.
-- An offence code the reference data does not know (ingest staged it because it is well-formed: a local code,
-- or one newer than the standing data) counts under the group UNR, "Unrecognised offence code", when every
-- offence counts or the request names it (a local_code item); is_unrecognised_code and is_not_classified
-- (group NCL) let the notes say what share of the table's units they are.
with

offence_rows as (
    {offence_rows}
),

selected_codes as (
    select unnest($codes, recursive := true)
),

windows as (
    select unnest($windows, recursive := true)
),

unrecognised as (
    select offence_group from ref.offence_groups where offence_group_code = 'UNR'
),

records as (
    select
        custody_ref,
        person_ref,
        cast(arrest_at as date) as arrest_date,
        disposal,
        disposal_date,
        age_at_arrest,
        gender,
        self_defined_ethnicity,
        station,
        arresting_agency
    from offence_rows
    where offence_seq = 1
),

counted_offences as (
    select distinct
        custody_ref,
        offence_code
    from offence_rows
    where offence_seq = 1 or $rule = 'any'
),

classified as (
    select
        counted_offences.custody_ref,
        coalesce(selected_codes.offence, $all_label) as offence,
        coalesce(selected_codes.offence_group, offences.offence_group, unrecognised.offence_group,
                 error('ref.offence_groups has no UNR (Unrecognised offence code) row')) as offence_group,
        offences.cjs_code is null as is_unrecognised_code,
        coalesce(offences.offence_group_code = 'NCL', false) as is_not_classified
    from counted_offences
    left join ref.offences as offences on counted_offences.offence_code = offences.cjs_code
    left join unrecognised on true
    left join selected_codes on counted_offences.offence_code = selected_codes.code
    where $all_offences or selected_codes.code is not null
),

units as (
    select
        case $unit when 'person' then records.person_ref else records.custody_ref end as unit_key,
        records.person_ref as person_key,
        windows.period,
        windows.is_current,
        classified.offence,
        classified.offence_group,
        classified.is_unrecognised_code,
        classified.is_not_classified,
        disposals.disposal_group as outcome,
        disposals.further_action,
        records.disposal,
        coalesce(records.gender, 'Not recorded') as gender,
        case
            when records.age_at_arrest is null then 'Not recorded'
            when records.age_at_arrest < 18 then '10 to 17'
            when records.age_at_arrest < 21 then '18 to 20'
            when records.age_at_arrest < 25 then '21 to 24'
            when records.age_at_arrest < 30 then '25 to 29'
            when records.age_at_arrest < 40 then '30 to 39'
            when records.age_at_arrest < 50 then '40 to 49'
            when records.age_at_arrest < 60 then '50 to 59'
            else '60 and over'
        end as age_band,
        -- 2021 Census self-defined ethnicity codes (W1, B2, A3, M1, O9, ...): the letter names the group
        case upper(left(records.self_defined_ethnicity, 1))
            when 'A' then 'Asian or Asian British'
            when 'B' then 'Black, Black British, Caribbean or African'
            when 'M' then 'Mixed or multiple'
            when 'W' then 'White'
            when 'O' then 'Other ethnic group'
            else 'Not stated'
        end as ethnicity_group,
        coalesce(records.station, 'Not recorded') as station,
        coalesce(records.arresting_agency, 'Not recorded') as arresting_agency
    from classified
    inner join records on classified.custody_ref = records.custody_ref
    inner join ref.custody_disposals as disposals on records.disposal = disposals.disposal
    inner join windows
        on (case $date_basis when 'outcome' then records.disposal_date else records.arrest_date end)
        between windows.start_date and windows.end_date
)
