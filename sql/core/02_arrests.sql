-- One arrest per custody record, counted under its principal offence (offence_seq = 1), with the custody
-- record's disposal and its groups. This is the counting rule every arrest table uses unless a request asks
-- for "any offence" (see README, counting rules). A principal offence code the reference data does not know
-- (well-formed, or ingest would have quarantined it: a local code, or one newer than the standing data) is
-- counted under the group UNR, "Unrecognised offence code", never dropped: once the reference data learns
-- the code, the next build (a full one: the reference data changed) puts the arrest in its group.
--
-- Incremental: only the records in temp.custody_changed (01_arrest_offences.sql) are replaced. Their rows as
-- they were are kept in temp.arrests_before (with the row each was, so the delete goes by row id), so the
-- marts can take them out of their counts.
create table if not exists core.arrests (
    custody_ref varchar,
    person_ref varchar,
    arrest_at timestamp,
    arrest_date date,
    offence_code varchar,
    offence_group_code varchar,
    offence_group varchar,
    disposal varchar,
    disposal_group varchar,
    further_action varchar,
    disposal_date date,
    age_at_arrest integer,
    gender varchar,
    self_defined_ethnicity varchar,
    station varchar,
    arresting_agency varchar,
    file_id bigint,
    extracted_at timestamp
);

create or replace temp table arrests_before as
select *, rowid as arrest_row from core.arrests
where custody_ref in (select custody_ref from temp.custody_changed);

delete from core.arrests
where rowid in (select arrest_row from temp.arrests_before);

insert into core.arrests
with

principal as (
    select * from core.arrest_offences
    where offence_seq = 1 and custody_ref in (select custody_ref from temp.custody_changed)
),

unrecognised as (
    select offence_group_code, offence_group from ref.offence_groups where offence_group_code = 'UNR'
),

final as (
    select
        principal.custody_ref,
        principal.person_ref,
        principal.arrest_at,
        cast(principal.arrest_at as date) as arrest_date,
        principal.offence_code,
        coalesce(offences.offence_group_code, unrecognised.offence_group_code) as offence_group_code,
        -- a reference set without the UNR row cannot place such an arrest: stop rather than drop or mislabel it
        coalesce(offences.offence_group, unrecognised.offence_group,
                 error('ref.offence_groups has no UNR (Unrecognised offence code) row')) as offence_group,
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
    left join ref.offences as offences on principal.offence_code = offences.cjs_code
    left join unrecognised on true
    inner join ref.custody_disposals as disposals on principal.disposal = disposals.disposal
)

select * from final;
