-- The counted units of a stop-and-search request: one row per search in a data.police.uk stop-and-search file
-- and period window, with every breakdown column the files carry. A file holds one force's month but names
-- neither: the month is its searches' (UK time) and the force is read from police.uk's file name
-- (YYYY-MM-<force>-stop-and-search.csv; a file named otherwise is a force-month of its own). As for the other
-- police.uk measures, the latest delivery of each force-month replaces earlier ones, so a month downloaded
-- twice counts once. Parameters: $windows as custody_units.sql; $all_label names every search (no offences).
with

files as (
    select
        file_id,
        extracted_at,
        coalesce(
            nullif(regexp_extract(lower(original_name), '\d{4}-\d{2}-([a-z0-9-]+)-stop-and-search\.csv$', 1), ''),
            'file ' || file_id
        ) as force
    from raw.extract_files
    where source = 'police_uk_stop_search' and status in ('loaded', 'partly quarantined')
),

searches as (
    select
        file_id,
        row_number,
        cast(timezone('Europe/London', searched_at) as date) as search_date,
        outcome,
        object_of_search,
        legislation,
        gender,
        age_range,
        self_defined_ethnicity,
        officer_defined_ethnicity
    from staging.police_uk_stop_searches
),

file_months as (
    select
        files.file_id,
        files.extracted_at,
        files.force,
        min(date_trunc('month', searches.search_date)) as month
    from files
    inner join searches on files.file_id = searches.file_id
    group by files.file_id, files.extracted_at, files.force
),

latest_files as (
    select arg_max(file_id, (extracted_at, file_id)) as file_id
    from file_months
    group by force, month
),

windows as (
    select unnest($windows, recursive := true)
),

units as (
    select
        searches.file_id || ':' || searches.row_number as unit_key,
        cast(null as varchar) as person_key,  -- the files name no people
        windows.period,
        windows.is_current,
        $all_label as offence,
        coalesce(searches.outcome, 'Not recorded') as outcome,
        coalesce(searches.object_of_search, 'Not recorded') as object_of_search,
        coalesce(searches.legislation, 'Not recorded') as legislation,
        coalesce(searches.gender, 'Not recorded') as gender,
        coalesce(searches.age_range, 'Not recorded') as age_range,
        -- self-defined ethnicity as published ('Black or Black British - African (B2)', 'Not Stated (NS)'),
        -- grouped by its leading words as the custody breakdown groups the census codes
        case
            when searches.self_defined_ethnicity ilike 'asian%' then 'Asian or Asian British'
            when searches.self_defined_ethnicity ilike 'black%' then 'Black, Black British, Caribbean or African'
            when searches.self_defined_ethnicity ilike 'mixed%' then 'Mixed or multiple'
            when searches.self_defined_ethnicity ilike 'white%' then 'White'
            when searches.self_defined_ethnicity ilike 'chinese%' or searches.self_defined_ethnicity ilike 'other%'
                then 'Other ethnic group'
            else 'Not stated'
        end as ethnicity_group,
        coalesce(searches.officer_defined_ethnicity, 'Not recorded') as officer_defined_ethnicity
    from searches
    semi join latest_files on searches.file_id = latest_files.file_id
    inner join windows on searches.search_date between windows.start_date and windows.end_date
)
