-- Crimes as they were known at $as_at: each crime's latest delivered state extracted at or before $as_at,
-- without cancelled, transferred or deleted ones. Fragment: the `crime_rows` CTE of crime_units.sql.
select
    crimes.crime_ref,
    crimes.recorded_date,
    crimes.ho_offence_code,
    crimes.outcome_code,
    crimes.outcome_date,
    crimes.district
from staging.crimes as crimes
inner join (
    select
        crime_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id
    from staging.crimes
    where extracted_at <= $as_at
    group by crime_ref
) as delivery_at
    on crimes.crime_ref = delivery_at.crime_ref
    and crimes.file_id = delivery_at.file_id
where not coalesce(crimes.crime_status in ('cancelled', 'transferred', 'deleted'), false)
