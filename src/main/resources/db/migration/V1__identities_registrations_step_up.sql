-- StepUp schema, version 1. Portable SQL: runs on PostgreSQL and on H2.

create table identity (
    id            varchar(20)  not null primary key,
    type          varchar(16)  not null,
    username      varchar(255) not null,
    email         varchar(320),
    first_name    varchar(255),
    last_name     varchar(255),
    status        varchar(16)  not null,
    password_hash varchar(512),
    created_at    timestamp with time zone not null,
    constraint identity_username_unique unique (username)
);

create table identity_role (
    identity_id varchar(20) not null references identity (id) on delete cascade,
    role        varchar(32) not null,
    primary key (identity_id, role)
);
create index identity_role_by_role on identity_role (role);

-- One API token per identity; only its SHA-256 hash is kept.
create table api_token (
    identity_id     varchar(20) not null primary key references identity (id) on delete cascade,
    token_hash      varchar(64) not null,
    expiration_days integer     not null,
    created_at      timestamp with time zone not null,
    last_used_at    timestamp with time zone not null,
    constraint api_token_hash_unique unique (token_hash)
);

-- A user's enrolment of a factor, with everything that decides whether a code is accepted:
-- the encrypted secret and its parameters, the last accepted time step (replay),
-- the consecutive failures (throttling) and the last step-up.
create table registration (
    identity_id       varchar(20)  not null references identity (id) on delete cascade,
    factor            varchar(16)  not null,
    status            varchar(16)  not null,
    secret_ciphertext varchar(512) not null,
    key_id            varchar(32)  not null,
    hash_function     varchar(8)   not null,
    digits            integer      not null,
    time_step         integer      not null,
    created_at        timestamp with time zone not null,
    confirmed_at      timestamp with time zone,
    last_used_at      timestamp with time zone,
    last_step         bigint       not null,
    failures          integer      not null,
    last_failure_at   timestamp with time zone,
    last_step_up_at   timestamp with time zone,
    primary key (identity_id, factor)
);
create index registration_by_status on registration (factor, status, identity_id);
create index registration_challenge_age on registration (status, created_at);

-- The tenant's step-up configuration: a single row.
create table step_up_configuration (
    id                      integer    not null primary key,
    validation_window       integer    not null,
    completed_cookie_max_age integer   not null,
    hash_function           varchar(8) not null,
    digits                  integer    not null,
    time_step               integer    not null,
    updated_at              timestamp with time zone not null
);
insert into step_up_configuration (id, validation_window, completed_cookie_max_age, hash_function, digits, time_step, updated_at)
values (1, 30, 5, 'SHA1', 6, 30, current_timestamp);

-- Step-up completion IDs: only the hash is kept; each is bound to a user and usable once.
create table completion_id (
    id_hash     varchar(64) not null primary key,
    identity_id varchar(20) not null references identity (id) on delete cascade,
    expires_at  timestamp with time zone not null
);
create index completion_id_expiry on completion_id (expires_at);
