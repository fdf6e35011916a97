/**
 * The administration API, for administrators and their batch jobs: users and service
 * identities and their API tokens ({@code /api/users}), and other users' registrations
 * (status, reset, the paged listing, the purge of stale pending enrolments). It acts through
 * the controls of {@code identity} and {@code registration}, which own the tables.
 */
package dev.stepup.admin;
