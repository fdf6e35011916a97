/**
 * How a caller gets in: the one authentication mechanism (API tokens, Bearer JWTs checked
 * with Nimbus, the web UI's session cookie), which a Jakarta Authentication module of its own
 * runs for every request (but for the API token of a step-up with a TOTP code, which the batch
 * that checks the code reads: {@code CheckedWithCode}); password sign-in and its per-name throttle, browser sessions and
 * their CSRF token, and the role check of every JAX-RS method. Owns the tables
 * {@code browser_session} and {@code sign_in_throttle}.
 */
package dev.stepup.authentication;
