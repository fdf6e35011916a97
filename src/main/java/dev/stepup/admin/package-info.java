/**
 * Administration of other users' registrations: status, reset, the paged listing and the
 * purge of stale pending enrolments, for administrators and their batch jobs.
 */
package dev.stepup.admin;
