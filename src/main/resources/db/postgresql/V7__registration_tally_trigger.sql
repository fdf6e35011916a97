-- Keeps registration_tally (see V6) in step with registration, in the writing transaction.
-- Inserts and deletes are counted once per statement from its transition table, so a bulk
-- insert or purge costs one upsert per block; an update is counted per row, and only when
-- it moves a registration to another status (never on the step-up path's updates).

create function registration_tally_inserted() returns trigger language plpgsql as $$
begin
    insert into registration_tally (factor, status, block, n)
    select factor, status, list_order / 1024, count(*) from inserted
     group by factor, status, list_order / 1024
     order by factor, status, list_order / 1024
    on conflict (factor, status, block) do update set n = registration_tally.n + excluded.n;
    return null;
end
$$;

create function registration_tally_deleted() returns trigger language plpgsql as $$
begin
    update registration_tally t set n = t.n - d.n
      from (select factor, status, list_order / 1024 as block, count(*) as n from deleted
             group by factor, status, list_order / 1024) d
     where t.factor = d.factor and t.status = d.status and t.block = d.block;
    return null;
end
$$;

create function registration_tally_moved() returns trigger language plpgsql as $$
begin
    update registration_tally set n = n - 1
     where factor = old.factor and status = old.status and block = old.list_order / 1024;
    insert into registration_tally (factor, status, block, n)
    values (new.factor, new.status, new.list_order / 1024, 1)
    on conflict (factor, status, block) do update set n = registration_tally.n + 1;
    return null;
end
$$;

create trigger registration_tally_insert after insert on registration
    referencing new table as inserted
    for each statement execute function registration_tally_inserted();

create trigger registration_tally_delete after delete on registration
    referencing old table as deleted
    for each statement execute function registration_tally_deleted();

create trigger registration_tally_update after update of factor, status, list_order on registration
    for each row
    when (old.factor is distinct from new.factor or old.status is distinct from new.status
          or old.list_order is distinct from new.list_order)
    execute function registration_tally_moved();

-- The registrations that exist already; the trigger above holds off writers until this commits.
insert into registration_tally (factor, status, block, n)
select factor, status, list_order / 1024, count(*) from registration group by factor, status, list_order / 1024;
