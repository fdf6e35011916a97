-- An accepted code is recorded by appending a row here instead of updating the user's
-- registration row: rows of one ten-minute bucket sit together in the table and in its index,
-- so an accepted step-up writes to the pages every other step-up of the last minutes wrote
-- to, not to a page of its own user (which, after each checkpoint, costs a full-page image).
-- The time steps used lately (replay), the last step-up of each credential (its validation
-- window) and the last use of a registration are read from the recent buckets. Housekeeping
-- folds a bucket's last uses into registration.last_used_at and deletes it after 70 minutes,
-- longer than any validation window.
create table code_use (
    bucket      bigint      not null,
    identity_id varchar(20) not null,
    step        bigint      not null,
    used_at     timestamp with time zone not null,
    credential  varchar(64)
);
create index code_use_by_bucket on code_use (bucket, identity_id);

-- The audit trail's by-user indexes took a random page per line (one for the actor, one for
-- the target). GET /api/audit?userId= now reads the time range it is given (by event_time),
-- or the trail, instead.
drop index audit_event_by_actor;
drop index audit_event_by_target;

-- Step-ups in flight at the upgrade: the windows of sessions, tokens and Bearer credentials
-- were kept in browser_session.stepped_up_at, api_token.stepped_up_at and bearer_step_up; they
-- are now read from code_use, so users step up again once after the upgrade. The old columns
-- and table stay, unread, for instances of the previous version during a rolling upgrade.
