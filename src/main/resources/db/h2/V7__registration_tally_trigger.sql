-- Keeps registration_tally (see V6) in step with registration, in the writing transaction:
-- H2 runs a Java trigger per changed row.
create trigger registration_tally after insert, update, delete on registration
    for each row call 'dev.stepup.admin.control.RegistrationTallyTrigger';

insert into registration_tally (factor, status, block, n)
select factor, status, list_order / 1024, count(*) from registration group by factor, status, list_order / 1024;
