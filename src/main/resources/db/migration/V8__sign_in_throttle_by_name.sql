-- Failed web sign-ins are throttled per username as it was typed, whether or not a user of
-- that name exists, so that a 429 tells nothing about which usernames exist. A row holds the
-- consecutive failures of one name (the SHA-256 of 'sign-in:' and the name) and the last one;
-- a sign-in locks its name's row, so concurrent guesses are counted one after another. A
-- success removes the row, and housekeeping removes rows without a failure for a day.
create table sign_in_throttle (
    name_hash        varchar(64) not null primary key,
    failures         integer not null,
    last_failure_at  timestamp with time zone
);

create index sign_in_throttle_last_failure on sign_in_throttle (last_failure_at);

-- The identity's sign_in_failures and last_sign_in_failure_at are no longer read or written.
-- They stay, so that instances of the previous version keep working while a rolling upgrade
-- replaces them; a later version drops them. Their counts are not carried over: an upgrade
-- starts every username at no failures, which gives a guesser one threshold's worth of
-- attempts more, once.
