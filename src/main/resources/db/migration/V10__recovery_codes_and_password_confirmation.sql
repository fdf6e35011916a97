-- Recovery codes: ten single-use codes per TOTP registration, kept only as keyed hashes
-- (HMAC-SHA256 under a key derived from the secret key, whose id is kept beside each), so
-- that a copy of the database alone cannot be searched for them. Using one deletes its row.
create table recovery_code (
    identity_id varchar(20) not null references identity (id) on delete cascade,
    code_hash   varchar(64) not null,
    key_id      varchar(32) not null,
    created_at  timestamp with time zone not null,
    primary key (identity_id, code_hash)
);

-- When the browser session's user last typed the password: at sign-in, or confirming it
-- again (POST /api/session/confirm). Starting an enrolment over a session needs it recent.
alter table browser_session add column confirmed_at timestamp with time zone;
update browser_session set confirmed_at = created_at;
