-- A step-up counts for the credential that earned it: its time is kept on the browser
-- session's row, on the API token's row, or, for a Bearer JWT, on a row of its session at
-- the identity provider (a hash of issuer and sid) or, without sid, of its user.
alter table browser_session add column stepped_up_at timestamp with time zone;
alter table api_token add column stepped_up_at timestamp with time zone;

create table bearer_step_up (
    credential_hash varchar(64) not null primary key,
    identity_id     varchar(20) not null references identity (id) on delete cascade,
    stepped_up_at   timestamp with time zone not null
);
create index bearer_step_up_identity on bearer_step_up (identity_id);

-- Completion IDs carry their user, credential, time and expiry under a MAC, so issuing one
-- writes nothing; the use of one is recorded here, once, by its random part. Rows go when
-- the completion would have expired anyway.
create table completion_use (
    completion  varchar(32) not null primary key,
    expires_at  timestamp with time zone not null
);

-- Step-ups in flight at the upgrade: completion IDs issued before it are of the old kind
-- (rows in completion_id) and are refused after it, and the per-user step-up time
-- (registration.last_step_up_at) opens no window for any credential; users step up again.
-- Both stay, unread, so that instances of the previous version keep working while a rolling
-- upgrade replaces them; a later version drops them.
