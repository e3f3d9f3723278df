-- Labels allowed in calendar_year: four-digit years, plus the all-years margin label.
select distinct calendar_year as label
from marts.arrests_by_offence_group_year_outcome
where regexp_full_match(calendar_year, '[0-9]{4}')
union
select $all_years as label
