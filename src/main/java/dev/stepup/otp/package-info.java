/**
 * Pure TOTP maths, with no I/O and no other feature: codes (RFC 6238 on RFC 4226, through
 * java-otp), one time step of skew each way, the submitted code as a value, the parameters a
 * registration keeps, the throttle's waits, and the outcome of a check. Whoever owns the
 * state that decides acceptance (the registration) stores and changes it.
 */
package dev.stepup.otp;
