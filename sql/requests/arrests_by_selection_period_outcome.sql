-- Arrests (one per custody record, principal offence) for the offence codes of each selection, in each
-- inclusive date window, by outcome grouping. Inputs arrive as parameters only:
--   $selections: list of {selection_label, cjs_code}   $windows: list of {period, start_date, end_date}
--   $outcome_column: 'further_action' | 'disposal_group' | 'none' (allow-listed by the spec schema)
-- Every combination is returned (zeros included), so a zero is visibly a zero.
with

selection_codes as (
    select unnest($selections, recursive := true)
),

windows as (
    select unnest($windows, recursive := true)
),

outcomes as (
    select distinct
        case $outcome_column
            when 'further_action' then further_action
            when 'disposal_group' then disposal_group
            else 'All outcomes'
        end as outcome
    from ref.custody_disposals
),

counted as (
    select
        selection_codes.selection_label,
        windows.period,
        case $outcome_column
            when 'further_action' then arrests.further_action
            when 'disposal_group' then arrests.disposal_group
            else 'All outcomes'
        end as outcome,
        count(*) as arrests
    from core.arrests as arrests
    inner join selection_codes on arrests.offence_code = selection_codes.cjs_code
    inner join windows on arrests.arrest_date between windows.start_date and windows.end_date
    group by all
),

grid as (
    select distinct selection_codes.selection_label, windows.period, outcomes.outcome
    from selection_codes cross join windows cross join outcomes
),

final as (
    select
        grid.selection_label as offence,
        grid.period,
        grid.outcome,
        coalesce(counted.arrests, 0)::bigint as arrests
    from grid
    left join counted using (selection_label, period, outcome)
)

select * from final
