-- data.police.uk street-level crimes as the latest delivered file for each force and month says they are.
-- A street file is a force's snapshot of one month, re-published as outcomes come in, so a later delivery of
-- the same force-month replaces the earlier one whole (rows have no stable key: blank and repeated Crime IDs
-- are normal). Later = later extracted_at (for police.uk files, the time the file was received), then file id.
create or replace table core.police_uk_street_crimes as
with

latest_slices as (
    select
        reported_by,
        month,
        arg_max(file_id, core.delivery_order(extracted_at, file_id)) as file_id
    from staging.police_uk_street_crimes
    group by reported_by, month
),

outcome_categories as (
    select category, outcome_group, ho_outcome_types, relation_to_ho
    from ref.police_uk_outcome_categories
    where outcome_category = category  -- the current spelling's row; older spellings point to it
),

final as (
    select
        street.file_id,
        street.row_number,
        street.crime_id,
        street.month,
        street.reported_by,
        street.falls_within,
        street.lsoa_code,
        street.crime_type,
        street.last_outcome_category,
        street.outcome_category,
        outcome_categories.outcome_group,
        outcome_categories.ho_outcome_types,
        outcome_categories.relation_to_ho,
        street.header_format,
        street.extracted_at
    from staging.police_uk_street_crimes as street
    inner join latest_slices
        on street.reported_by = latest_slices.reported_by
        and street.month = latest_slices.month
        and street.file_id = latest_slices.file_id
    left join outcome_categories on street.outcome_category = outcome_categories.category
)

select * from final
