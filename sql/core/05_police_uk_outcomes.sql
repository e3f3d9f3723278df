-- data.police.uk outcome events (one row per outcome given to a crime in a month) from the latest delivered
-- file for each force and month. `outcome_category` is the current spelling of what the file says; how it
-- relates to the Home Office outcome types is in ref.police_uk_outcome_categories.
create or replace table core.police_uk_outcomes as
with

latest_slices as (
    select
        reported_by,
        month,
        arg_max(file_id, core.delivery_order(extracted_at, file_id)) as file_id
    from staging.police_uk_outcomes
    group by reported_by, month
),

outcome_categories as (
    select category, outcome_group, ho_outcome_types, relation_to_ho
    from ref.police_uk_outcome_categories
    where outcome_category = category  -- the current spelling's row; older spellings point to it
),

final as (
    select
        outcomes.file_id,
        outcomes.row_number,
        outcomes.crime_id,
        outcomes.month,
        outcomes.reported_by,
        outcomes.falls_within,
        outcomes.lsoa_code,
        outcomes.outcome_type,
        outcomes.outcome_category,
        outcome_categories.outcome_group,
        outcome_categories.ho_outcome_types,
        outcome_categories.relation_to_ho,
        outcomes.header_format,
        outcomes.extracted_at
    from staging.police_uk_outcomes as outcomes
    inner join latest_slices
        on outcomes.reported_by = latest_slices.reported_by
        and outcomes.month = latest_slices.month
        and outcomes.file_id = latest_slices.file_id
    left join outcome_categories on outcomes.outcome_category = outcome_categories.category
)

select * from final
