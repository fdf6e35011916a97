/**
 * Enrolment of a factor: the secret (random, encrypted at rest under a key id), the
 * otpauth URI and QR code, confirmation by a first code, the caller's status, and deletion
 * of one's own registration with a current code.
 */
package dev.stepup.registration;
