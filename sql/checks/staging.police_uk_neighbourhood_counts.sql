-- One row per file of staged data.police.uk 2012 neighbourhood counts: violation counts pushed down into DuckDB.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
with counts as (
    select
        file_id,
        row_number,
        all_crime_and_asb,
        coalesce(burglary, 0) + coalesce(anti_social_behaviour, 0) + coalesce(robbery, 0) + coalesce(vehicle_crime, 0)
            + coalesce(violent_crime, 0) + coalesce(public_disorder_and_weapons, 0) + coalesce(shoplifting, 0)
            + coalesce(criminal_damage_and_arson, 0) + coalesce(other_theft, 0) + coalesce(drugs, 0)
            + coalesce(other_crime, 0) as category_total
    from staging.police_uk_neighbourhood_counts
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

row_checks as (
    select
        file_id,
        count(*) as neighbourhood_rows,
        count(*) filter (where file_id is null or row_number is null) as null_key_rows,
        count(*) - count(distinct row_number) as duplicate_key_rows,
        count(*) filter (where all_crime_and_asb <> category_total) as total_mismatch_rows
    from counts
    group by file_id
)

select file_id, neighbourhood_rows, null_key_rows, duplicate_key_rows, total_mismatch_rows
from row_checks
order by file_id
