-- The counted units of a data.police.uk request: one row per published street-level crime and period.
-- A month re-delivered for the same force replaces the earlier delivery (the latest file per month and force).
-- Parameters as custody_units.sql; $codes hold crime types. police.uk has months only: windows are whole months.
with

street_files as (
    select
        month,
        reported_by,
        arg_max(file_id, (extracted_at, file_id)) as file_id
    from staging.police_uk_street_crimes
    group by month, reported_by
),

street_crimes as (
    select
        crimes.file_id,
        crimes.row_number,
        crimes.month,
        crimes.crime_type,
        crimes.last_outcome_category
    from staging.police_uk_street_crimes as crimes
    inner join street_files
        on crimes.month = street_files.month
        and crimes.reported_by = street_files.reported_by
        and crimes.file_id = street_files.file_id
),

selected_codes as (
    select unnest($codes, recursive := true)
),

windows as (
    select unnest($windows, recursive := true)
),

units as (
    select
        street_crimes.file_id || ':' || street_crimes.row_number as unit_key,
        cast(null as varchar) as person_key,  -- police.uk files name no people
        windows.period,
        windows.is_current,
        coalesce(selected_codes.offence, $all_label) as offence,
        coalesce(nullif(trim(street_crimes.last_outcome_category), ''), 'No outcome recorded') as outcome
    from street_crimes
    left join selected_codes on street_crimes.crime_type = selected_codes.code
    inner join windows on street_crimes.month between windows.start_date and windows.end_date
    where $all_offences or selected_codes.code is not null
)
