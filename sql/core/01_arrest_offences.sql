-- Each custody record as the latest extract says it is: all of its offence rows from the one delivery with the
-- latest extracted_at (ties broken by file id), because a re-delivery replaces the record's rows (they may be
-- renumbered). A record whose latest delivery marks it deleted or cancelled (record_status) has no rows here,
-- and an earlier-extracted delivery arriving later cannot bring it back. Earlier deliveries stay in staging:
-- that is the history "as known at time T" is rebuilt from (06_arrest_offences_as_known_at.sql).
create or replace table core.arrest_offences as
with

latest_delivery as (
    -- a file's rows of one record all carry the same record_status (the staging checks see to that)
    select
        custody_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id,
        arg_max(coalesce(record_status in ('deleted', 'cancelled'), false), (extracted_at, file_id)) as is_removed
    from staging.custody_offences
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
