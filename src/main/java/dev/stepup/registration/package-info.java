/**
 * The registration of a factor and everything stored on its row: enrolment (a random secret,
 * encrypted at rest under a key id; the otpauth URI and QR code; confirmation by a first
 * code), the verifier that decides whether a code is accepted (replay and throttle state,
 * changed only by atomic conditional updates), deletion, and the admin listing with its
 * tally. The only package that reads or writes {@code registration} and
 * {@code registration_tally}; the TOTP maths it uses live in {@code otp}.
 */
package dev.stepup.registration;
