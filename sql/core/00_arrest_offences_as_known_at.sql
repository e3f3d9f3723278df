-- Custody offence rows as the extracts known at time `as_at` said they were: for each custody record, all of
-- its rows from the one delivery with the latest extracted_at on or before `as_at` (ties: the later file id),
-- unless that delivery marked the record deleted or cancelled. core.arrest_offences (01) is this with `as_at` =
-- infinity. Staging keeps every delivery, so any past figure can be recomputed, including one
-- from before a deletion: select ... from core.arrest_offences_as_known_at(timestamp '2020-03-31 23:59').
create or replace macro core.arrest_offences_as_known_at(as_at) as table
with

latest_delivery as (
    -- a file's rows of one record all carry the same record_status (the staging checks see to that)
    select
        custody_ref,
        arg_max(file_id, core.delivery_order(extracted_at, file_id)) as file_id,
        arg_max(core.is_removed_record(record_status), core.delivery_order(extracted_at, file_id)) as is_removed
    from staging.custody_offences
    where extracted_at <= as_at
    group by custody_ref
),

final as (
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
        offences.arresting_agency,
        offences.file_id,
        offences.extracted_at
    from staging.custody_offences as offences
    inner join latest_delivery
        on offences.custody_ref = latest_delivery.custody_ref
        and offences.file_id = latest_delivery.file_id
    where not latest_delivery.is_removed
)

select * from final
