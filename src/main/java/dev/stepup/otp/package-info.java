/**
 * The one-time-code verifier: TOTP maths (RFC 6238 on RFC 4226, through java-otp), one
 * time step of skew each way, replay protection and throttling. The state that decides
 * whether a code is accepted (last accepted time step, consecutive failures) sits on the
 * registration row and is changed only by atomic conditional updates, so a code is
 * accepted at most once per user across all requests and server instances.
 */
package dev.stepup.otp;
