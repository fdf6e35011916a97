/**
 * Users, service identities and their API tokens, and how a caller is authenticated:
 * one {@code HttpAuthenticationMechanism} for {@code TOKEN} headers (and later Bearer JWTs
 * and browser sessions), one role check for every JAX-RS method, and the bootstrap admin.
 */
package dev.stepup.identity;
