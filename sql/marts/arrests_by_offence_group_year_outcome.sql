-- Standing table: arrests by offence group x calendar year x custody outcome group, every combination present
-- (zeros included) plus margins labelled 'All offence groups', 'All years' and 'All outcomes'; the years run
-- from the first to the last year with an arrest.
--
-- Incremental (flows/db/transform.py): the records whose arrest changed (temp.custody_changed) are taken
-- out of their cells as they were (temp.arrests_before) and put in as they are now; every cell and margin they
-- fall in moves by the difference, and no other cell is read. A full build runs the same on an empty table.
create table if not exists marts.arrests_by_offence_group_year_outcome (
    offence_group varchar,
    calendar_year varchar,
    outcome varchar,
    arrests bigint
);

-- the grid: years that no longer hold an arrest leave, years that now do arrive with zeros
create or replace temp table arrests_grid as
with

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

final as (
    select groups.offence_group, years.calendar_year, outcomes.outcome
    from groups
    cross join years
    cross join outcomes
)

select * from final;

delete from marts.arrests_by_offence_group_year_outcome as mart
where not exists (
    select 1 from temp.arrests_grid as grid
    where grid.offence_group = mart.offence_group
        and grid.calendar_year = mart.calendar_year
        and grid.outcome = mart.outcome
);

insert into marts.arrests_by_offence_group_year_outcome (offence_group, calendar_year, outcome, arrests)
select grid.offence_group, grid.calendar_year, grid.outcome, 0
from temp.arrests_grid as grid
anti join marts.arrests_by_offence_group_year_outcome as mart
    on grid.offence_group = mart.offence_group
    and grid.calendar_year = mart.calendar_year
    and grid.outcome = mart.outcome;

update marts.arrests_by_offence_group_year_outcome as mart
set arrests = mart.arrests + delta.arrests
from (
    with

    changes as (
        select offence_group, cast(year(arrest_date) as varchar) as calendar_year, disposal_group as outcome,
               1 as arrests
        from core.arrests
        where custody_ref in (select custody_ref from temp.custody_changed)
        union all
        select offence_group, cast(year(arrest_date) as varchar), disposal_group, -1
        from temp.arrests_before
    ),

    counted as (
        select
            coalesce(offence_group, 'All offence groups') as offence_group,
            coalesce(calendar_year, 'All years') as calendar_year,
            coalesce(outcome, 'All outcomes') as outcome,
            sum(arrests) as arrests
        from changes
        group by cube (offence_group, calendar_year, outcome)
    )

    select * from counted where arrests <> 0
) as delta
where mart.offence_group = delta.offence_group
    and mart.calendar_year = delta.calendar_year
    and mart.outcome = delta.outcome;
