-- Crimes as they were known at $as_at (core.crimes_as_known_at: the rule core.crimes applies), without
-- cancelled, transferred or deleted ones. Fragment: the `crime_rows` CTE of crime_units.sql;
-- {optional_columns} adds the optional marker columns the table has (flows/requests/query.py).
select
    crime_ref,
    recorded_date,
    ho_offence_code,
    outcome_code,
    outcome_date,
    district{optional_columns}
from core.crimes_as_known_at($as_at)
where not is_withdrawn
