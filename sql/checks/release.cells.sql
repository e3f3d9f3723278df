-- Every cell about to be published (read from the published view, long form), with the facts the output
-- suite tests. `release_cells` is registered by flows/validate/outputs.py; $k is the threshold. A 'public count'
-- is one the force already publishes elsewhere (data.police.uk): shown in full, small or not.
select
    table_name,
    cell,
    measure,
    role,
    flag,
    value,
    case when role = 'count' and value is not null and value between 1 and $k - 1 then 1 else 0 end
        as small_count_shown,
    case when role in ('count', 'public count') and value < 0 then 1 else 0 end as negative_count,
    case when hidden and value is not null then 1 else 0 end as value_under_hiding_flag,
    case when role in ('count', 'public count') and value is not null and value <> round(value) then 1 else 0 end
        as fractional_count
from release_cells
