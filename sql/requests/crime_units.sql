-- The counted units of a recorded-crimes or crime-outcomes request: one row per (crime, offence category,
-- period window). Parameters as custody_units.sql ($codes hold Home Office offence codes); $date_basis is
-- 'recorded' | 'outcome'; a crime with no outcome yet is 'Under investigation'.
-- {crime_rows} is one of the fixed fragments crime_rows_latest.sql / crime_rows_as_at.sql; {optional_labels}
-- adds the label of each optional marker (a constant from flows/requests/catalogue.py; 'Not recorded' when the
-- warehouse has no such column).
-- A Home Office code the reference data does not know (well-formed, so ingest staged it) counts under
-- "Unrecognised offence code", as in custody_units.sql.
with

crime_rows as (
    {crime_rows}
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

units as (
    select
        crime_rows.crime_ref as unit_key,
        cast(null as varchar) as person_key,  -- crime records name no people
        windows.period,
        windows.is_current,
        coalesce(selected_codes.offence, $all_label) as offence,
        coalesce(selected_codes.offence_group, offences.ho_offence_group, unrecognised.offence_group,
                 error('ref.offence_groups has no UNR (Unrecognised offence code) row')) as offence_group,
        offences.ho_offence_code is null as is_unrecognised_code,
        coalesce(offences.ho_offence_group_code = 'NCL', false) as is_not_classified,
        coalesce(outcomes.outcome_group, 'Under investigation') as outcome,
        coalesce(outcomes.outcome_label, 'Not yet assigned an outcome') as outcome_type,
        coalesce(crime_rows.district, 'Not recorded') as district{optional_labels}
    from crime_rows
    left join ref.ho_offence_codes as offences on crime_rows.ho_offence_code = offences.ho_offence_code
    left join unrecognised on true
    left join selected_codes on crime_rows.ho_offence_code = selected_codes.code
    left join ref.ho_outcome_types as outcomes on coalesce(crime_rows.outcome_code, '0') = outcomes.outcome_code
    inner join windows
        on (case $date_basis when 'outcome' then crime_rows.outcome_date else crime_rows.recorded_date end)
        between windows.start_date and windows.end_date
    where $all_offences or selected_codes.code is not null
)
