/**
 * MFA metrics: verifications by purpose and outcome, enrolments, deletions and registrations
 * by status, written to the server's metrics API (MicroProfile Metrics on Payara, Micrometer
 * on WildFly). It observes the features' events and asks {@code registration} for counts.
 */
package dev.stepup.metrics;
