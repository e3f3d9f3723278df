-- One arrest per custody record, counted under its principal offence (offence_seq = 1), with the custody
-- record's disposal and its groups. This is the counting rule every arrest table uses unless a request asks
-- for "any offence" (see README, counting rules).
create or replace table core.arrests as
with

principal as (
    select * from core.arrest_offences where offence_seq = 1
),

final as (
    select
        principal.custody_ref,
        principal.person_ref,
        principal.arrest_at,
        cast(principal.arrest_at as date) as arrest_date,
        principal.offence_code,
        offences.offence_group_code,
        offences.offence_group,
        principal.disposal,
        disposals.disposal_group,
        disposals.further_action,
        principal.disposal_date,
        principal.age_at_arrest,
        principal.gender,
        principal.self_defined_ethnicity,
        principal.station,
        principal.arresting_agency,
        principal.file_id,
        principal.extracted_at
    from principal
    inner join ref.offences as offences on principal.offence_code = offences.cjs_code
    inner join ref.custody_disposals as disposals on principal.disposal = disposals.disposal
)

select * from final
