-- Outcome events from data.police.uk outcomes files by force, month of the outcome and outcome category
-- (current spellings), with our outcome group and the Home Office outcome types each category relates to.
create or replace table marts.police_uk_outcomes_by_month_type as
with

final as (
    select
        reported_by as force,
        strftime(month, '%Y-%m') as month,
        outcome_category,
        any_value(outcome_group) as outcome_group,
        any_value(ho_outcome_types) as ho_outcome_types,
        count(*) as outcomes
    from core.police_uk_outcomes
    group by reported_by, month, outcome_category
)

select force, month, outcome_category, outcome_group, ho_outcome_types, outcomes from final
