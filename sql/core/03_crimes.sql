-- Each crime at its latest delivered state: the rule of core.crimes_as_known_at (00_crimes_as_known_at.sql)
-- applied to everything delivered, materialised because every count reads it. Cancelled (or otherwise
-- withdrawn) crimes are kept with a flag so counts can exclude them and history can still explain them.
create or replace table core.crimes as
select * from core.crimes_as_known_at(timestamp 'infinity')
