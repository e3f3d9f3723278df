-- Types and checks the rows of ONE data.police.uk street file (current or 2012 legacy header), loaded as text
-- into temp table `batch`. Rows are keyed by file and row: a blank Crime ID (anti-social behaviour, BTP,
-- PSNI) and a Crime ID repeated within the file are how the published data look, not faults.
-- The delivered category is kept as published; `outcome_category` is its current data.police.uk spelling.
-- Parameters: $extracted_at (the file carries none: the time it was received), $header_format.
create or replace temp table checked as
with

typed as (
    select
        row_number,
        clean_text(crime_id) as crime_id,
        try_strptime(clean_text(month), '%Y-%m')::date as month,
        clean_text(reported_by) as reported_by,
        clean_text(falls_within) as falls_within,
        try_cast(clean_text(longitude) as double) as longitude,
        try_cast(clean_text(latitude) as double) as latitude,
        try_cast(clean_text(easting) as integer) as easting,
        try_cast(clean_text(northing) as integer) as northing,
        clean_text(lsoa_code) as lsoa_code,
        clean_text(lsoa_name) as lsoa_name,
        clean_text(location) as location,
        clean_text(crime_type) as crime_type,
        clean_text(last_outcome_category) as last_outcome_category,
        clean_text(context) as context,
        $header_format as header_format,
        $extracted_at::timestamp as extracted_at,
        month as raw_month,
        longitude as raw_longitude,
        latitude as raw_latitude,
        easting as raw_easting,
        northing as raw_northing,
        crime_type as raw_crime_type,
        last_outcome_category as raw_last_outcome_category
    from batch
),

known as (
    select
        typed.*,
        crime_types.crime_type is not null as is_known_crime_type,
        outcomes.category as outcome_category,
        typed.last_outcome_category is null or outcomes.category is not null as is_known_outcome
    from typed
    left join ref.police_uk_crime_types as crime_types on typed.crime_type = crime_types.crime_type
    left join ref.police_uk_outcome_categories as outcomes on typed.last_outcome_category = outcomes.outcome_category
),

final as (
    select
        known.*,
        list_filter([
            case when month is null then
                {'column_name': 'month', 'reason': 'month not recognised (expected YYYY-MM)', 'raw_value': raw_month} end,
            case when month > extracted_at then
                {'column_name': 'month', 'reason': 'month after the file was received', 'raw_value': raw_month} end,
            case when reported_by is null then
                {'column_name': 'reported_by', 'reason': 'missing reporting force', 'raw_value': null} end,
            case when not is_known_crime_type then
                {'column_name': 'crime_type', 'reason': 'crime type not in the data.police.uk list',
                 'raw_value': raw_crime_type} end,
            case when not is_known_outcome then
                {'column_name': 'last_outcome_category', 'reason': 'outcome category not in the data.police.uk list',
                 'raw_value': raw_last_outcome_category} end,
            case when clean_text(raw_longitude) is not null and longitude is null
                    or clean_text(raw_latitude) is not null and latitude is null then
                {'column_name': 'longitude', 'reason': 'coordinates are not numbers', 'raw_value': null} end,
            case when clean_text(raw_easting) is not null and easting is null
                    or clean_text(raw_northing) is not null and northing is null then
                {'column_name': 'easting', 'reason': 'grid reference is not a whole number', 'raw_value': null} end
        ], lambda p: p is not null) as problems
    from known
)

select * from final
