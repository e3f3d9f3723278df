-- How many cells a full cross product of the mart's labels holds (zeros included), margins counted.
select
    count(distinct offence_group) * count(distinct calendar_year) * count(distinct outcome) as grid_cells
from marts.arrests_by_offence_group_year_outcome
