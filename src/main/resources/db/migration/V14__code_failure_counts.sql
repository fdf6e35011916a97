-- The failure log keeps one row per user and ten-minute bucket, with the user's failures in
-- that bucket and the last of them, instead of a row per failure: a wrong code updates its
-- user's row of the current bucket (in place on PostgreSQL, whose fill factor for the table
-- leaves room: V14_1) or inserts it, so reading a user's failures takes one index entry per
-- bucket however many there are, and the index keeps one entry per user and bucket.
--
-- The rows logged so far are grouped into the new table. Instances of the previous version
-- cannot write to it (their wrong codes fail with 500): stop them all before the first
-- instance of this version starts.
create table code_failure_count (
    bucket         bigint      not null,
    identity_id    varchar(20) not null,
    failures       integer     not null,
    last_failed_at timestamp with time zone not null,
    constraint code_failure_pkey primary key (bucket, identity_id)
);
insert into code_failure_count (bucket, identity_id, failures, last_failed_at)
    select bucket, identity_id, count(*), max(failed_at) from code_failure group by bucket, identity_id;
drop table code_failure;
alter table code_failure_count rename to code_failure;
