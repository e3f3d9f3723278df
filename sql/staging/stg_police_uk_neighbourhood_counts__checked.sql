-- Types and checks the rows of ONE data.police.uk 2012 neighbourhood file: counts of crime and anti-social
-- behaviour per neighbourhood and month in the 2012 categories. A row whose categories do not add up to its
-- 'All crime and ASB' total is quarantined, as is any count that is not a whole number >= 0.
-- Parameters: $extracted_at (the time the file was received).
create or replace temp table checked as
with

typed as (
    select
        row_number,
        try_strptime(clean_text(month), '%Y-%m')::date as month,
        clean_text(force) as force,
        clean_text(neighbourhood) as neighbourhood,
        try_cast(clean_text(all_crime_and_asb) as integer) as all_crime_and_asb,
        try_cast(clean_text(burglary) as integer) as burglary,
        try_cast(clean_text(anti_social_behaviour) as integer) as anti_social_behaviour,
        try_cast(clean_text(robbery) as integer) as robbery,
        try_cast(clean_text(vehicle_crime) as integer) as vehicle_crime,
        try_cast(clean_text(violent_crime) as integer) as violent_crime,
        try_cast(clean_text(public_disorder_and_weapons) as integer) as public_disorder_and_weapons,
        try_cast(clean_text(shoplifting) as integer) as shoplifting,
        try_cast(clean_text(criminal_damage_and_arson) as integer) as criminal_damage_and_arson,
        try_cast(clean_text(other_theft) as integer) as other_theft,
        try_cast(clean_text(drugs) as integer) as drugs,
        try_cast(clean_text(other_crime) as integer) as other_crime,
        $extracted_at::timestamp as extracted_at,
        month as raw_month,
        all_crime_and_asb as raw_all_crime_and_asb
    from batch
),

summed as (
    select
        typed.*,
        [burglary, anti_social_behaviour, robbery, vehicle_crime, violent_crime, public_disorder_and_weapons,
         shoplifting, criminal_damage_and_arson, other_theft, drugs, other_crime] as category_counts
    from typed
),

final as (
    select
        summed.* exclude (category_counts),
        list_filter([
            case when month is null then
                {'column_name': 'month', 'reason': 'month not recognised (expected YYYY-MM)', 'raw_value': raw_month} end,
            case when month > extracted_at then
                {'column_name': 'month', 'reason': 'month after the file was received', 'raw_value': raw_month} end,
            case when all_crime_and_asb is null or all_crime_and_asb < 0
                    or list_count(list_filter(category_counts, lambda c: c < 0)) > 0 then
                {'column_name': 'all_crime_and_asb', 'reason': 'a count is not a whole number >= 0',
                 'raw_value': raw_all_crime_and_asb} end,
            case when all_crime_and_asb <> coalesce(list_sum(category_counts), 0) then
                {'column_name': 'all_crime_and_asb', 'reason': 'categories do not add up to the total',
                 'raw_value': raw_all_crime_and_asb} end
        ], lambda p: p is not null) as problems
    from summed
)

select * from final
