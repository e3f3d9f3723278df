-- Custody offence rows as they were known at $as_at: for each custody record, all the rows of its latest
-- delivery extracted at or before $as_at (ties broken by file id, as core.arrest_offences does), so a record
-- whose disposal changed in a later extract is counted with the disposal it had then.
-- Fragment: the `offence_rows` CTE of custody_units.sql.
select
    offences.custody_ref,
    offences.offence_seq,
    offences.person_ref,
    offences.arrest_at,
    offences.offence_code,
    offences.disposal,
    offences.disposal_date,
    offences.age_at_arrest,
    offences.gender,
    offences.self_defined_ethnicity,
    offences.station,
    offences.arresting_agency
from staging.custody_offences as offences
inner join (
    select
        custody_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id
    from staging.custody_offences
    where extracted_at <= $as_at
    group by custody_ref
) as delivery_at
    on offences.custody_ref = delivery_at.custody_ref
    and offences.file_id = delivery_at.file_id
