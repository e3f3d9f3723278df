-- Count the units of a request for ONE grouping set: each dimension at its category level or at its total
-- (and, for offence -> offence group, the group level). flows/requests/query.py runs this once per grouping
-- set over a temp table of the part's units (the units query, custody_units.sql or crime_units.sql, reduced
-- to the columns counted), so DuckDB holds one set's distinct-count tables at a time: all of them at once in
-- one GROUPING SETS query took over 11 GiB at national scale and could fail under the 3 GB limit.
-- Distinct units are counted, so a margin is right even where categories overlap (any-offence rule, persons).
-- The current and the comparison (a year earlier) windows are counted apart, each over only its own rows:
-- four FILTERed distinct counts in one aggregate took 2.6x as long at national scale (4.5 s against 1.7 s for
-- the finest set of the annual standing table; the comparison side costs nothing when there is none).
-- {unit_count} is count(distinct unit_key), or count(*) when no unit has two rows (no any-offence or set-valued
-- breakdown split it): the same number, for 0.4 s of checking against about 40% of each count at national scale.
-- Filled with allow-listed identifiers only ({labels}, {coalesced}, {matched}, {units_table}, {grouping_set},
-- {unit_count}); labels of totals arrive as parameters. GROUPING SETS with one set (not GROUP BY) so the grand
-- total of no units is a 0 row; the join matches labels with IS NOT DISTINCT FROM, so a missing label is still
-- one cell.
with current_window as (
    select
        {labels},
        {unit_count} as value,
        -- distinct people behind each count: the person rule (five arrests of one person are one person)
        count(distinct person_key) as people
    from {units_table}
    where is_current
    group by grouping sets (({grouping_set}))
),

previous_window as (
    select
        {labels},
        {unit_count} as previous,
        count(distinct person_key) as previous_people
    from {units_table}
    where not is_current
    group by grouping sets (({grouping_set}))
)

select
    {coalesced},
    coalesce(current_window.value, 0) as value,
    coalesce(previous_window.previous, 0) as previous,
    coalesce(current_window.people, 0) as people,
    coalesce(previous_window.previous_people, 0) as previous_people
from current_window
full join previous_window
    on {matched}
