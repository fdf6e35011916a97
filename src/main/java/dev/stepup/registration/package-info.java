/**
 * The registration of a factor and everything stored on its row: enrolment (a random secret,
 * encrypted at rest under a key id; the otpauth URI and QR code; confirmation by a first
 * code), the verifier that decides whether a code is accepted (replay and throttle state,
 * changed under the user's lock by statements that check the state they were decided on),
 * recovery codes, deletion, and the admin listing with its tally. The only package that
 * reads or writes {@code registration}, {@code registration_tally}, {@code recovery_code} and
 * the logs of accepted and wrong codes, {@code code_use} and {@code code_failure}; the TOTP
 * maths it uses live in {@code otp}.
 */
package dev.stepup.registration;
