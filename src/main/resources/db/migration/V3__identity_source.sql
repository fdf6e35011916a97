-- Where an identity comes from: 'local' (created through the API) or 'jwt' (created on
-- first sight of a Bearer token of the configured identity provider). A JWT never maps
-- onto a local identity of the same name.
alter table identity add column source varchar(16) default 'local' not null;
