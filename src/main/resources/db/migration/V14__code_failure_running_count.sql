-- Each failure in the log now carries the user's consecutive failures with it (the count on
-- the registration row and in the log when it was made, plus one), so that a reader takes the
-- latest row of each bucket, one index probe, instead of counting every failure of the user
-- (some thirty rows each for a user the throttle does not stop, three times per wrong code).
--
-- The failures logged so far are folded into their registration rows first, as housekeeping
-- folds them, so the log starts empty. As with V13, instances of the previous version do not
-- write the new column: upgrade all instances together.
update registration r set
    last_failure_at = case
        when r.last_failure_at is null
            or r.last_failure_at < (select max(f.failed_at) from code_failure f where f.identity_id = r.identity_id)
        then (select max(f.failed_at) from code_failure f where f.identity_id = r.identity_id)
        else r.last_failure_at end,
    failures = r.failures + (select count(*) from code_failure f where f.identity_id = r.identity_id)
where r.factor = 'TOTP' and exists (select 1 from code_failure f where f.identity_id = r.identity_id);
delete from code_failure;

alter table code_failure add column failures integer not null;
drop index code_failure_by_bucket;
create index code_failure_by_bucket on code_failure (bucket, identity_id, failures);
