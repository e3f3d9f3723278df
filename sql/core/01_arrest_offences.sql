-- Each custody record as the latest extract says it is: the rule of core.arrest_offences_as_known_at
-- (00_arrest_offences_as_known_at.sql) applied to everything delivered, kept up to date file by file.
-- A re-delivery replaces all of a record's rows (they may be renumbered); a record whose latest delivery marks it
-- deleted or cancelled has no rows here; an earlier-extracted delivery arriving later cannot bring it back.
-- Earlier deliveries stay in staging: that is the history "as known at time T" is rebuilt from.
--
-- Incremental (flows/db/transform.py): temp.transform_files holds the files not yet built in (every file
-- in a full build, run on empty tables). core.custody_records keeps each record's latest delivery, removals
-- included, so a record is looked at again only when one of those files carries it, and it changes only
-- when that delivery is later than the one it has. temp.custody_changed (the records whose latest delivery
-- changed, with it) is what 02_arrests.sql and the marts update from; the lookup keeps the row it found
-- (known_row), so the record's old row is deleted by row id.
create table if not exists core.custody_records (
    custody_ref varchar not null,
    file_id bigint not null,
    extracted_at timestamp not null,
    is_removed boolean not null
);

create table if not exists core.arrest_offences (
    custody_ref varchar,
    offence_seq integer,
    person_ref varchar,
    arrest_at timestamp,
    offence_code varchar,
    disposal varchar,
    disposal_date date,
    age_at_arrest integer,
    gender varchar,
    self_defined_ethnicity varchar,
    station varchar,
    arresting_agency varchar,
    file_id bigint,
    extracted_at timestamp
);

create or replace temp table custody_changed as
with

candidates as (
    -- each record's latest delivery among the new files (a file's rows of one record share record_status)
    select
        offences.custody_ref,
        max(core.delivery_order(offences.extracted_at, offences.file_id)) as delivery_order,
        arg_max(offences.file_id, core.delivery_order(offences.extracted_at, offences.file_id)) as file_id,
        arg_max(offences.extracted_at, core.delivery_order(offences.extracted_at, offences.file_id)) as extracted_at,
        arg_max(core.is_removed_record(offences.record_status),
                core.delivery_order(offences.extracted_at, offences.file_id)) as is_removed
    from staging.custody_offences as offences
    semi join temp.transform_files as files on offences.file_id = files.file_id
    group by offences.custody_ref
),

final as (
    select
        candidates.custody_ref, candidates.file_id, candidates.extracted_at, candidates.is_removed,
        known.rowid as known_row
    from candidates
    left join core.custody_records as known on candidates.custody_ref = known.custody_ref
    where known.custody_ref is null
        or candidates.delivery_order > core.delivery_order(known.extracted_at, known.file_id)
)

select * from final;

delete from core.custody_records
where rowid in (select known_row from temp.custody_changed where known_row is not null);

insert into core.custody_records (custody_ref, file_id, extracted_at, is_removed)
select custody_ref, file_id, extracted_at, is_removed from temp.custody_changed;

delete from core.arrest_offences
where custody_ref in (select custody_ref from temp.custody_changed);

insert into core.arrest_offences
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
inner join temp.custody_changed as changed
    on offences.custody_ref = changed.custody_ref
    and offences.file_id = changed.file_id
where not changed.is_removed;
