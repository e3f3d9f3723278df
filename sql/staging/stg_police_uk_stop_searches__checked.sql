-- Types and checks the rows of ONE data.police.uk stop-and-search file, loaded as text into temp table `batch`.
-- Rows are keyed by file and row (the files carry no id). Dates are ISO 8601 with an offset.
-- Parameters: $extracted_at (the time the file was received).
create or replace temp table checked as
with

typed as (
    select
        row_number,
        clean_text(type) as search_type,
        try_cast(clean_text(date) as timestamptz) as searched_at,
        case lower(trim(part_of_a_policing_operation)) when 'true' then true when 'false' then false end
            as is_part_of_policing_operation,
        clean_text(policing_operation) as policing_operation,
        try_cast(clean_text(latitude) as double) as latitude,
        try_cast(clean_text(longitude) as double) as longitude,
        clean_text(gender) as gender,
        clean_text(age_range) as age_range,
        clean_text(self_defined_ethnicity) as self_defined_ethnicity,
        clean_text(officer_defined_ethnicity) as officer_defined_ethnicity,
        clean_text(legislation) as legislation,
        clean_text(object_of_search) as object_of_search,
        clean_text(outcome) as outcome,
        case lower(trim(outcome_linked_to_object_of_search)) when 'true' then true when 'false' then false end
            as is_outcome_linked_to_object,
        case lower(trim(removal_of_more_than_just_outer_clothing)) when 'true' then true when 'false' then false end
            as is_more_than_outer_clothing_removed,
        $extracted_at::timestamp as extracted_at,
        date as raw_date,
        latitude as raw_latitude,
        longitude as raw_longitude
    from batch
),

final as (
    select
        typed.*,
        list_filter([
            case when searched_at is null then
                {'column_name': 'date', 'reason': 'date not recognised (expected ISO 8601)', 'raw_value': raw_date} end,
            case when searched_at::timestamp > extracted_at + interval 1 day then
                {'column_name': 'date', 'reason': 'date after the file was received', 'raw_value': raw_date} end,
            case when search_type is null then
                {'column_name': 'type', 'reason': 'missing search type', 'raw_value': null} end,
            case when clean_text(raw_longitude) is not null and longitude is null
                    or clean_text(raw_latitude) is not null and latitude is null then
                {'column_name': 'longitude', 'reason': 'coordinates are not numbers', 'raw_value': null} end
        ], lambda p: p is not null) as problems
    from typed
)

select * from final
