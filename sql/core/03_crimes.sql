-- Each crime at its latest delivered state: the rule of core.crimes_as_known_at (00_crimes_as_known_at.sql)
-- applied to everything delivered, kept up to date file by file. Cancelled (or otherwise withdrawn) crimes are
-- kept with a flag so counts can exclude them and history can still explain them.
--
-- Incremental (flows/db/transform.py): only crimes carried by temp.transform_files are looked at, and a
-- crime's row is replaced only when that delivery is later than the one it has (every delivered crime has a
-- row here, so its current delivery is known without reading staging again). The lookup keeps the row it
-- found (known_row), so the delete goes by row id rather than reading every crime_ref a second time.
create table if not exists core.crimes (
    crime_ref varchar,
    recorded_date date,
    committed_date date,
    ho_offence_code varchar,
    outcome_code varchar,
    outcome_group varchar,
    outcome_date date,
    district varchar,
    crime_status varchar,
    is_withdrawn boolean,
    is_domestic_abuse boolean,
    is_knife_or_sharp_instrument boolean,
    hate_crime_strands varchar[],
    file_id bigint,
    extracted_at timestamp
);

create or replace temp table crimes_changed as
with

candidates as (
    -- the row itself (a file holds one row per crime: the staging checks quarantine duplicates), found by rowid:
    -- joining back on (crime_ref, file_id) took 68 s at national, this 37 s
    select
        crimes.crime_ref,
        max(core.delivery_order(crimes.extracted_at, crimes.file_id)) as delivery_order,
        arg_max(crimes.rowid, core.delivery_order(crimes.extracted_at, crimes.file_id)) as row_id
    from staging.crimes as crimes
    semi join temp.transform_files as files on crimes.file_id = files.file_id
    group by crimes.crime_ref
),

final as (
    select candidates.crime_ref, candidates.row_id, known.rowid as known_row
    from candidates
    left join core.crimes as known on candidates.crime_ref = known.crime_ref
    where known.crime_ref is null
        or candidates.delivery_order > core.delivery_order(known.extracted_at, known.file_id)
)

select * from final;

delete from core.crimes
where rowid in (select known_row from temp.crimes_changed where known_row is not null);

insert into core.crimes
select
    crimes.crime_ref,
    crimes.recorded_date,
    crimes.committed_date,
    crimes.ho_offence_code,
    crimes.outcome_code,
    outcomes.outcome_group,
    crimes.outcome_date,
    crimes.district,
    crimes.crime_status,
    core.is_withdrawn_crime(crimes.crime_status) as is_withdrawn,
    crimes.is_domestic_abuse,
    crimes.is_knife_or_sharp_instrument,
    crimes.hate_crime_strands,
    crimes.file_id,
    crimes.extracted_at
from staging.crimes as crimes
semi join temp.crimes_changed as changed on crimes.rowid = changed.row_id
left join ref.ho_outcome_types as outcomes on crimes.outcome_code = outcomes.outcome_code;
