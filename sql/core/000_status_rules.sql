-- What a delivered status means, stated once for the as-known-at macros and the incremental models: a custody
-- record delivered as deleted or cancelled leaves the counts; a crime cancelled, transferred or deleted is kept
-- (flagged withdrawn) but not counted. Blank means active.
create or replace macro core.is_removed_record(record_status) as
    coalesce(record_status in ('deleted', 'cancelled'), false);

create or replace macro core.is_withdrawn_crime(crime_status) as
    coalesce(crime_status in ('cancelled', 'transferred', 'deleted'), false);
