-- Crimes as the extracts known at time `as_at` said they were: each crime's row from the delivery with the
-- latest extracted_at on or before `as_at` (ties: the later file id), flagged withdrawn if that delivery said
-- it was cancelled, transferred or deleted. core.crimes (03_crimes.sql) is this with `as_at` = infinity.
create or replace macro core.crimes_as_known_at(as_at) as table
with

latest as (
    select
        crime_ref,
        arg_max(file_id, (extracted_at, file_id)) as file_id
    from staging.crimes
    where extracted_at <= as_at
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
