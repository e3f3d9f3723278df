-- Outcome events from data.police.uk outcomes files by force, month of the outcome and outcome category
-- (current spellings), with our outcome group and the Home Office outcome types each category relates to.
--
-- Incremental: only the force-months replaced in core (temp.outcome_slices_changed) are counted again.
create table if not exists marts.police_uk_outcomes_by_month_type (
    force varchar,
    month varchar,
    outcome_category varchar,
    outcome_group varchar,
    ho_outcome_types varchar,
    outcomes bigint
);

delete from marts.police_uk_outcomes_by_month_type as mart
using temp.outcome_slices_changed as changed
where mart.force = changed.reported_by and mart.month = strftime(changed.month, '%Y-%m');

insert into marts.police_uk_outcomes_by_month_type
with

outcomes as (
    select outcomes.*
    from core.police_uk_outcomes as outcomes
    semi join temp.outcome_slices_changed as changed
        on outcomes.reported_by = changed.reported_by and outcomes.month = changed.month
),

final as (
    select
        reported_by as force,
        strftime(month, '%Y-%m') as month,
        outcome_category,
        any_value(outcome_group) as outcome_group,
        any_value(ho_outcome_types) as ho_outcome_types,
        count(*) as outcomes
    from outcomes
    group by reported_by, month, outcome_category
)

select force, month, outcome_category, outcome_group, ho_outcome_types, outcomes from final;
