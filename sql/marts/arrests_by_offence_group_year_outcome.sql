-- Standing table: arrests by offence group x calendar year x custody outcome group, every combination present
-- (zeros included) plus margins labelled 'All offence groups', 'All years' and 'All outcomes'.
create or replace table marts.arrests_by_offence_group_year_outcome as
with

arrests as (
    select
        offence_group,
        cast(year(arrest_date) as varchar) as calendar_year,
        disposal_group as outcome
    from core.arrests
),

groups as (
    select distinct offence_group from ref.offence_groups
    union all select 'All offence groups'
),

years as (
    select cast(range as varchar) as calendar_year
    from range(
        (select coalesce(min(year(arrest_date)), year(current_date)) from core.arrests),
        (select coalesce(max(year(arrest_date)), year(current_date)) from core.arrests) + 1
    )
    union all select 'All years'
),

outcomes as (
    select distinct disposal_group as outcome from ref.custody_disposals
    union all select 'All outcomes'
),

counted as (
    select
        coalesce(offence_group, 'All offence groups') as offence_group,
        coalesce(calendar_year, 'All years') as calendar_year,
        coalesce(outcome, 'All outcomes') as outcome,
        count(*) as arrests
    from arrests
    group by cube (offence_group, calendar_year, outcome)
),

final as (
    select
        groups.offence_group,
        years.calendar_year,
        outcomes.outcome,
        coalesce(counted.arrests, 0)::bigint as arrests
    from groups
    cross join years
    cross join outcomes
    left join counted
        on groups.offence_group = counted.offence_group
        and years.calendar_year = counted.calendar_year
        and outcomes.outcome = counted.outcome
)

select * from final
