-- Labels allowed in an offence_group column: every reference group plus the all-groups margin label.
select offence_group as label
from ref.offence_groups
union
select $all_offence_groups as label
