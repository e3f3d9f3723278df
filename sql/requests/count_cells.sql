-- Count the units of a request into cells and margins in one pass: GROUPING SETS give every combination of
-- each dimension at its category level and at its total (and, for offence -> offence group, the group level).
-- Distinct units are counted, so a margin is right even where categories overlap (any-offence rule, persons).
-- Filled by flows/requests/query.py with allow-listed identifiers only ({labels}, {grouping_sets}); labels
-- of totals arrive as parameters. `units` is the CTE chain of custody_units.sql or crime_units.sql.
{units},

final as (
    select
        {labels},
        count(distinct unit_key) filter (where is_current) as value,
        count(distinct unit_key) filter (where not is_current) as previous,
        -- distinct people behind each count: the person rule (five arrests of one person are one person)
        count(distinct person_key) filter (where is_current) as people,
        count(distinct person_key) filter (where not is_current) as previous_people
    from units
    group by grouping sets ({grouping_sets})
)

select * from final
