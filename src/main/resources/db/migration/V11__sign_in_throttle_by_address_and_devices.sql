-- Failed web sign-ins are throttled per (name, client address) with the code throttle's
-- threshold, and per name across all addresses with a much higher one, so that a guesser
-- elsewhere cannot keep a user out. Both kinds of row live in sign_in_throttle, keyed by a
-- hash: of 'sign-in:' and the name for the name-wide row (as in version 8, so those rows
-- carry over as name-wide ones), of 'sign-in-from:', the address, a newline and the name for
-- a (name, address) row, which also keeps the address (an IPv6 client's /64) for the audit.
alter table sign_in_throttle add column client_address varchar(64);

-- Attempts refused unchecked during the current wait are counted here and written to the
-- audit trail once, as one THROTTLED line with their number, when the wait is over (at the
-- next checked attempt, or by housekeeping): a flood of them no longer adds a line each.
-- target_id is the user the name belonged to when last refused (none for a made-up name).
alter table sign_in_throttle add column refused integer default 0 not null;
alter table sign_in_throttle add column refused_since timestamp with time zone;
alter table sign_in_throttle add column wait_until timestamp with time zone;
alter table sign_in_throttle add column target_id varchar(20);

create index sign_in_throttle_wait_until on sign_in_throttle (wait_until);
-- Housekeeping keeps at most stepup.throttle.max.rows rows, evicting the fewest failures and
-- the oldest first.
create index sign_in_throttle_eviction on sign_in_throttle (failures, last_failure_at);

-- Browsers that signed in with a name: the long-lived device cookie, kept only as a hash of
-- its value bound to the name's hash. Such a browser skips the name-wide wait (never the
-- wait of its own address). Rows go a year after their last use, as the cookie does.
create table sign_in_device (
    device_key    varchar(64) not null primary key,
    created_at    timestamp with time zone not null,
    last_used_at  timestamp with time zone not null
);
create index sign_in_device_last_used on sign_in_device (last_used_at);
