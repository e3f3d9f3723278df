-- Street-level crimes and anti-social behaviour by force, crime type, month and last outcome, in
-- data.police.uk's own vocabulary (current spellings). 'No outcome recorded' is a blank Last outcome category:
-- anti-social behaviour always, and every row of some forces' files (e.g. British Transport Police, PSNI).
--
-- Incremental: only the force-months replaced in core (temp.street_slices_changed) are counted again.
create table if not exists marts.police_uk_crimes_by_type_month_outcome (
    force varchar,
    crime_type varchar,
    month varchar,
    outcome varchar,
    crimes bigint
);

delete from marts.police_uk_crimes_by_type_month_outcome as mart
using temp.street_slices_changed as changed
where mart.force = changed.reported_by and mart.month = strftime(changed.month, '%Y-%m');

insert into marts.police_uk_crimes_by_type_month_outcome
with

street as (
    select street.reported_by, street.crime_type, street.month,
           coalesce(street.outcome_category, 'No outcome recorded') as outcome
    from core.police_uk_street_crimes as street
    semi join temp.street_slices_changed as changed
        on street.reported_by = changed.reported_by and street.month = changed.month
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

select force, crime_type, month, outcome, crimes from final;
