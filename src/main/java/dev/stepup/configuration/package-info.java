/**
 * The tenant's step-up configuration: validation window, completion-cookie lifetime and the
 * TOTP parameters for new enrolments. One row in the database, read through a cache of
 * half a second, so a change on one instance is in force on all of them within a second.
 * Its endpoint, {@code /api/step-up/configuration}, is the step-up feature's
 * ({@code elevation}), whose guard a change passes first.
 */
package dev.stepup.configuration;
