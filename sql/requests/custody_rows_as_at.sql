-- Custody offence rows as they were known at $as_at: core.arrest_offences_as_known_at applies the same rule as
-- core.arrest_offences (each record's latest delivery extracted at or before $as_at; deleted or cancelled
-- records left out), so a record whose disposal changed later is counted with the disposal it had then.
-- Fragment: the `offence_rows` CTE of custody_units.sql.
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
from core.arrest_offences_as_known_at($as_at)
