-- The mart as published (it is small), plus, on each margin cell, the sum of its parts along each
-- dimension, so GX can compare margin and parts row by row. Non-margin cells get null sums.
with cells as (
    select offence_group, calendar_year, outcome, arrests
    from marts.arrests_by_offence_group_year_outcome
),

parts_over_offence_groups as (
    select calendar_year, outcome, sum(arrests)::bigint as parts
    from cells
    where offence_group <> $all_offence_groups
    group by calendar_year, outcome
),

parts_over_years as (
    select offence_group, outcome, sum(arrests)::bigint as parts
    from cells
    where calendar_year <> $all_years
    group by offence_group, outcome
),

parts_over_outcomes as (
    select offence_group, calendar_year, sum(arrests)::bigint as parts
    from cells
    where outcome <> $all_outcomes
    group by offence_group, calendar_year
),

final as (
    select
        cells.offence_group,
        cells.calendar_year,
        cells.outcome,
        cells.arrests,
        case when cells.offence_group = $all_offence_groups then coalesce(by_group.parts, 0) end
            as offence_group_parts,
        case when cells.calendar_year = $all_years then coalesce(by_year.parts, 0) end as calendar_year_parts,
        case when cells.outcome = $all_outcomes then coalesce(by_outcome.parts, 0) end as outcome_parts
    from cells
    left join parts_over_offence_groups as by_group
        on cells.offence_group = $all_offence_groups
        and by_group.calendar_year = cells.calendar_year
        and by_group.outcome = cells.outcome
    left join parts_over_years as by_year
        on cells.calendar_year = $all_years
        and by_year.offence_group = cells.offence_group
        and by_year.outcome = cells.outcome
    left join parts_over_outcomes as by_outcome
        on cells.outcome = $all_outcomes
        and by_outcome.offence_group = cells.offence_group
        and by_outcome.calendar_year = cells.calendar_year
)

select
    offence_group,
    calendar_year,
    outcome,
    arrests,
    offence_group_parts,
    calendar_year_parts,
    outcome_parts
from final
order by offence_group, calendar_year, outcome
