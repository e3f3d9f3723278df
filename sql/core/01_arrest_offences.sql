-- Each custody record as the latest extract says it is: all of its offence rows from the one delivery with the
-- latest extracted_at (ties broken by file id), because a re-delivery replaces the record's rows (they may be
-- renumbered). Earlier deliveries stay in staging: that is the history "as known at time T" is rebuilt from.
create or replace table core.arrest_offences as
with

latest_delivery as (
    select
        custody_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id
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
)

select * from final
