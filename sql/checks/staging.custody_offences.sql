-- One row per file of staged custody offences, holding violation counts pushed down into DuckDB, so GX
-- sees counts only (never a person's row) however many millions of rows staging holds.
-- $checked_file_ids: files whose row is already stored (flows/validate/per_file.py); they are left out.
-- $cjs_code_pattern: what a well-formed CJS code looks like (flows/contracts/offence_codes.py). A well-formed
-- code the reference data lacks is not an error (it is counted as unrecognised); its share of a file's rows
-- is reported for a warning above a configured threshold.
with offences as (
    select
        file_id, custody_ref, offence_seq, offence_code, disposal, age_at_arrest, arrest_at, record_status,
        extracted_at
    from staging.custody_offences
    where file_id is null or not list_contains($checked_file_ids::bigint[], file_id)
),

known_offence_codes as (
    select distinct cjs_code from ref.offences
),

known_disposals as (
    select distinct disposal from ref.custody_disposals
),

row_checks as (
    select
        offences.file_id,
        count(*) as offence_rows,
        count(*) filter (
            where offences.file_id is null or offences.custody_ref is null or offences.offence_seq is null
        ) as null_key_rows,
        -- a code the reference data holds is a code, whatever its shape
        count(*) filter (
            where known_offence_codes.cjs_code is null
                and (offences.offence_code is null or not regexp_full_match(offences.offence_code, $cjs_code_pattern))
        ) as malformed_offence_code_rows,
        count(*) filter (where known_offence_codes.cjs_code is null) as unrecognised_offence_code_rows,
        count(*) filter (where known_disposals.disposal is null) as unknown_disposal_rows,
        count(*) filter (where offences.age_at_arrest not between $min_age and $max_age) as age_out_of_range_rows,
        count(*) filter (where offences.arrest_at > offences.extracted_at) as arrest_after_extract_rows,
        -- blank is active (flows/ingest/sources.py RECORD_STATUSES); ingest quarantines anything else
        count(*) filter (
            where offences.record_status not in ('active', 'deleted', 'cancelled')
        ) as unknown_record_status_rows
    from offences
    left join known_offence_codes on offences.offence_code = known_offence_codes.cjs_code
    left join known_disposals on offences.disposal = known_disposals.disposal
    group by offences.file_id
),

key_counts as (
    select file_id, custody_ref, offence_seq, count(*) as copies
    from offences
    group by file_id, custody_ref, offence_seq
),

duplicate_keys as (
    select file_id, sum(copies - 1)::bigint as duplicate_key_rows
    from key_counts
    where copies > 1
    group by file_id
),

custody_records as (
    select
        file_id,
        custody_ref,
        count(*) filter (where offence_seq = 1) as principal_offences,
        -- core takes a record's removal from any one of its rows in a file, so they must agree
        count(distinct coalesce(record_status in ('deleted', 'cancelled'), false)) as removal_states
    from offences
    group by file_id, custody_ref
),

principal_checks as (
    select
        file_id,
        count(*) as custody_records,
        count(*) filter (where principal_offences <> 1) as records_without_one_principal_offence,
        count(*) filter (where removal_states > 1) as records_with_mixed_status
    from custody_records
    group by file_id
),

final as (
    select
        row_checks.file_id,
        row_checks.offence_rows,
        coalesce(principal_checks.custody_records, 0) as custody_records,
        row_checks.null_key_rows,
        coalesce(duplicate_keys.duplicate_key_rows, 0) as duplicate_key_rows,
        coalesce(principal_checks.records_without_one_principal_offence, 0)
            as records_without_one_principal_offence,
        coalesce(principal_checks.records_with_mixed_status, 0) as records_with_mixed_status,
        row_checks.malformed_offence_code_rows,
        row_checks.unrecognised_offence_code_rows,
        row_checks.unrecognised_offence_code_rows / row_checks.offence_rows as unrecognised_offence_code_share,
        row_checks.unknown_disposal_rows,
        row_checks.age_out_of_range_rows,
        row_checks.arrest_after_extract_rows,
        row_checks.unknown_record_status_rows
    from row_checks
    left join duplicate_keys on row_checks.file_id = duplicate_keys.file_id
    left join principal_checks on row_checks.file_id = principal_checks.file_id
)

select
    file_id,
    offence_rows,
    custody_records,
    null_key_rows,
    duplicate_key_rows,
    records_without_one_principal_offence,
    records_with_mixed_status,
    malformed_offence_code_rows,
    unrecognised_offence_code_rows,
    unrecognised_offence_code_share,
    unknown_disposal_rows,
    age_out_of_range_rows,
    arrest_after_extract_rows,
    unknown_record_status_rows
from final
order by file_id
