-- Custody offence rows as the latest extract says they are (core.arrest_offences already keeps, for each
-- custody record, only the rows of its latest delivery). Fragment: the `offence_rows` CTE of custody_units.sql.
select
    custody_ref,
    offence_seq,
    person_ref,
    arrest_at,
    offence_code,
    disposal,
    disposal_date,
    age_at_arrest,
    gender,
    self_defined_ethnicity,
    station,
    arresting_agency
from core.arrest_offences
