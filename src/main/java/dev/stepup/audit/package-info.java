/**
 * The audit trail: it observes the small events the features fire ({@code OtpVerified},
 * {@code RegistrationChanged}, {@code IdentityChanged}, {@code SessionChanged},
 * {@code ConfigurationChanged}) and writes one line in the same transaction; for codes
 * checked in a batch ({@code OtpsVerified}), it adds one insert of all their lines to the
 * batch's last round trip, which the batch runs in its transaction. No feature calls it
 * directly. {@code GET /api/audit} reads it, and housekeeping removes lines past
 * their retention.
 */
package dev.stepup.audit;
