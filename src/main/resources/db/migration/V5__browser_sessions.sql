-- Browser sessions of the web UI, shared by every instance: the cookie's value is stored
-- only as its SHA-256 hash. A session ends when it is signed out, idle too long, or too old.
create table browser_session (
    session_hash  varchar(64) not null primary key,
    identity_id   varchar(20) not null references identity (id) on delete cascade,
    created_at    timestamp with time zone not null,
    last_seen_at  timestamp with time zone not null
);

create index browser_session_identity on browser_session (identity_id);
create index browser_session_last_seen on browser_session (last_seen_at);

-- Password sign-in is throttled per user like OTPs: consecutive failures and the last one.
alter table identity add column sign_in_failures integer default 0 not null;
alter table identity add column last_sign_in_failure_at timestamp with time zone;
