/**
 * The audit trail and the MFA metrics. Both observe the small events other features fire
 * ({@code OtpVerified}, {@code RegistrationChanged}, {@code IdentityChanged},
 * {@code ConfigurationChanged}); no feature calls them directly.
 */
package dev.stepup.audit;
