-- Street-level crimes and anti-social behaviour by force, crime type, month and last outcome, in
-- data.police.uk's own vocabulary (current spellings). 'No outcome recorded' is a blank Last outcome category:
-- anti-social behaviour always, and every row of some forces' files (e.g. British Transport Police, PSNI).
create or replace table marts.police_uk_crimes_by_type_month_outcome as
with

street as (
    select reported_by, crime_type, month, coalesce(outcome_category, 'No outcome recorded') as outcome
    from core.police_uk_street_crimes
),

final as (
    select
        reported_by as force,
        crime_type,
        strftime(month, '%Y-%m') as month,
        outcome,
        count(*) as crimes
    from street
    group by reported_by, crime_type, month, outcome
)

select force, crime_type, month, outcome, crimes from final
