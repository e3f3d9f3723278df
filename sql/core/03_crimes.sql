-- Each crime at its latest delivered state; cancelled (or otherwise withdrawn) crimes are kept with a flag so
-- counts can exclude them and history can still explain them.
create or replace table core.crimes as
with

latest as (
    select
        crime_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id
    from staging.crimes
    group by crime_ref
),

final as (
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
        coalesce(crimes.crime_status in ('cancelled', 'transferred', 'deleted'), false) as is_withdrawn,
        crimes.file_id,
        crimes.extracted_at
    from staging.crimes as crimes
    inner join latest on crimes.crime_ref = latest.crime_ref and crimes.file_id = latest.file_id
    left join ref.ho_outcome_types as outcomes on crimes.outcome_code = outcomes.outcome_code
)

select * from final
