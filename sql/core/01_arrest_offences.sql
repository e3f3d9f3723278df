-- Each custody record as the latest extract says it is: the rule of core.arrest_offences_as_known_at
-- (00_arrest_offences_as_known_at.sql) applied to everything delivered, materialised because every count reads
-- it. A re-delivery replaces all of a record's rows (they may be renumbered); a record whose latest delivery
-- marks it deleted or cancelled has no rows here; an earlier-extracted delivery arriving later cannot bring it
-- back. Earlier deliveries stay in staging: that is the history "as known at time T" is rebuilt from.
create or replace table core.arrest_offences as
select * from core.arrest_offences_as_known_at(timestamp 'infinity')
