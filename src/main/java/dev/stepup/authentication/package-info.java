/**
 * How a caller gets in: the one {@code HttpAuthenticationMechanism} (API tokens, Bearer JWTs
 * checked with Nimbus, the web UI's session cookie), password sign-in and its per-name
 * throttle, browser sessions and their CSRF token, and the role check of every JAX-RS
 * method. Owns the tables {@code browser_session} and {@code sign_in_throttle}.
 */
package dev.stepup.authentication;
