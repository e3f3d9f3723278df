-- Count the units of a request for ONE grouping set: each dimension at its category level or at its total
-- (and, for offence -> offence group, the group level). flows/requests/query.py runs this once per grouping
-- set over a temp table of the part's units (the units query, custody_units.sql or crime_units.sql, reduced
-- to the columns counted), so DuckDB holds one set's distinct-count tables at a time: all of them at once in
-- one GROUPING SETS query took over 11 GiB at national scale and could fail under the 3 GB limit.
-- Distinct units are counted, so a margin is right even where categories overlap (any-offence rule, persons).
-- Filled with allow-listed identifiers only ({labels}, {units_table}, {grouping_set}); labels of totals
-- arrive as parameters. GROUPING SETS with one set (not GROUP BY) so the grand total of no units is a 0 row.
select
    {labels},
    count(distinct unit_key) filter (where is_current) as value,
    count(distinct unit_key) filter (where not is_current) as previous,
    -- distinct people behind each count: the person rule (five arrests of one person are one person)
    count(distinct person_key) filter (where is_current) as people,
    count(distinct person_key) filter (where not is_current) as previous_people
from {units_table}
group by grouping sets (({grouping_set}))
