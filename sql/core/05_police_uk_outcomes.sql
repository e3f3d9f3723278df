-- data.police.uk outcome events (one row per outcome given to a crime in a month) from the latest delivered
-- file for each force and month. `outcome_category` is the current spelling of what the file says; how it
-- relates to the Home Office outcome types is in ref.police_uk_outcome_categories.
--
-- Incremental as 04_police_uk_street_crimes.sql: temp.outcome_slices_changed lists the force-months replaced.
create table if not exists core.police_uk_outcomes (
    file_id bigint,
    row_number bigint,
    crime_id varchar,
    month date,
    reported_by varchar,
    falls_within varchar,
    lsoa_code varchar,
    outcome_type varchar,
    outcome_category varchar,
    outcome_group varchar,
    ho_outcome_types varchar,
    relation_to_ho varchar,
    header_format varchar,
    extracted_at timestamp
);

create or replace temp table outcome_slices_changed as
with

candidates as (
    select
        outcomes.reported_by,
        outcomes.month,
        max(core.delivery_order(outcomes.extracted_at, outcomes.file_id)) as delivery_order,
        arg_max(outcomes.file_id, core.delivery_order(outcomes.extracted_at, outcomes.file_id)) as file_id
    from staging.police_uk_outcomes as outcomes
    semi join temp.transform_files as files on outcomes.file_id = files.file_id
    group by outcomes.reported_by, outcomes.month
),

known as (
    select reported_by, month, max(core.delivery_order(extracted_at, file_id)) as delivery_order
    from core.police_uk_outcomes
    group by reported_by, month
),

final as (
    select candidates.reported_by, candidates.month, candidates.file_id
    from candidates
    left join known on candidates.reported_by = known.reported_by and candidates.month = known.month
    where known.delivery_order is null or candidates.delivery_order > known.delivery_order
)

select * from final;

delete from core.police_uk_outcomes as outcomes
using temp.outcome_slices_changed as changed
where outcomes.reported_by = changed.reported_by and outcomes.month = changed.month;

insert into core.police_uk_outcomes
with

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
    inner join temp.outcome_slices_changed as changed
        on outcomes.reported_by = changed.reported_by
        and outcomes.month = changed.month
        and outcomes.file_id = changed.file_id
    left join outcome_categories on outcomes.outcome_category = outcome_categories.category
)

select * from final;
