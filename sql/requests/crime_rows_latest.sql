-- Crimes at their latest delivered state, without cancelled, transferred or deleted ones.
-- Fragment: the `crime_rows` CTE of crime_units.sql.
select
    crime_ref,
    recorded_date,
    ho_offence_code,
    outcome_code,
    outcome_date,
    district
from core.crimes
where not is_withdrawn
