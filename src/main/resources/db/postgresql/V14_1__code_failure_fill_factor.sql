-- A wrong code updates its user's row of the bucket in place (a HOT update, with no new index
-- entry) only if the row's page has room for the new version.
alter table code_failure set (fillfactor = 70);
