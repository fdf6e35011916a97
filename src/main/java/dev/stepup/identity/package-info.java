/**
 * Who exists: users and service identities with their roles and password hashes, their API
 * tokens (stored as hashes), the users of the external identity provider, and the bootstrap
 * TenantAdmin of a new database. Owns the tables {@code identity}, {@code identity_role} and
 * {@code api_token}. How a caller proves to be one of them is {@code authentication}'s job.
 */
package dev.stepup.identity;
