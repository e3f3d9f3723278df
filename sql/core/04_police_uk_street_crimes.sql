-- data.police.uk street-level crimes as the latest delivered file for each force and month says they are.
-- A street file is a force's snapshot of one month, re-published as outcomes come in, so a later delivery of
-- the same force-month replaces the earlier one whole (rows have no stable key: blank and repeated Crime IDs
-- are normal). Later = later extracted_at (for police.uk files, the time the file was received), then file id.
--
-- Incremental (flows/db/transform.py): only the force-months carried by temp.transform_files are looked
-- at; one is replaced when its latest delivery among them is later than the one it has.
-- temp.street_slices_changed lists them for the mart.
create table if not exists core.police_uk_street_crimes (
    file_id bigint,
    row_number bigint,
    crime_id varchar,
    month date,
    reported_by varchar,
    falls_within varchar,
    lsoa_code varchar,
    crime_type varchar,
    last_outcome_category varchar,
    outcome_category varchar,
    outcome_group varchar,
    ho_outcome_types varchar,
    relation_to_ho varchar,
    header_format varchar,
    extracted_at timestamp
);

create or replace temp table street_slices_changed as
with

candidates as (
    select
        street.reported_by,
        street.month,
        max(core.delivery_order(street.extracted_at, street.file_id)) as delivery_order,
        arg_max(street.file_id, core.delivery_order(street.extracted_at, street.file_id)) as file_id
    from staging.police_uk_street_crimes as street
    semi join temp.transform_files as files on street.file_id = files.file_id
    group by street.reported_by, street.month
),

known as (
    select reported_by, month, max(core.delivery_order(extracted_at, file_id)) as delivery_order
    from core.police_uk_street_crimes
    group by reported_by, month
),

final as (
    select candidates.reported_by, candidates.month, candidates.file_id
    from candidates
    left join known on candidates.reported_by = known.reported_by and candidates.month = known.month
    where known.delivery_order is null or candidates.delivery_order > known.delivery_order
)

select * from final;

delete from core.police_uk_street_crimes as street
using temp.street_slices_changed as changed
where street.reported_by = changed.reported_by and street.month = changed.month;

insert into core.police_uk_street_crimes
with

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
    inner join temp.street_slices_changed as changed
        on street.reported_by = changed.reported_by
        and street.month = changed.month
        and street.file_id = changed.file_id
    left join outcome_categories on street.outcome_category = outcome_categories.category
)

select * from final;
