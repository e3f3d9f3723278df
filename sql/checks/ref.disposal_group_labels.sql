-- Labels allowed in an outcome column of arrest marts: every disposal group plus the all-outcomes margin.
select disposal_group as label
from ref.custody_disposals
union
select $all_outcomes as label
