-- A wrong code is counted by appending a row here instead of incrementing the count on the
-- user's registration row: like code_use, rows of one ten-minute bucket sit together in the
-- table and in its index, so a wrong code writes to the pages every other wrong code of the
-- last minutes wrote to, not to a page of its own user (which, after each checkpoint, costs a
-- full-page image, and more of them the more users there are). A user's consecutive failures
-- are registration.failures plus the user's rows here. Housekeeping folds the buckets that
-- ended 20 minutes ago into registration.failures and last_failure_at, and deletes them; a success, or
-- the registration's removal, deletes the user's rows. Rows of a registration that went
-- otherwise (a purged pending enrolment, a deleted user) are deleted by the fold.
--
-- During a rolling upgrade, instances of the previous version neither see the rows here nor
-- delete them: they count failures on the row only (so a user's failures are counted in full
-- only by instances of this version), and a success on one of them leaves the user's rows
-- here, which this version keeps counting (the fold adds them to the row) until a success on
-- an instance of this version. Upgrade all instances together, or keep the mixed period short.
create table code_failure (
    bucket      bigint      not null,
    identity_id varchar(20) not null,
    failed_at   timestamp with time zone not null
);
create index code_failure_by_bucket on code_failure (bucket, identity_id);
