/**
 * Self-service for the signed-in caller: who am I, my own API token (guarded by an
 * always-prompt step-up), and the way back after losing the device: recovery codes and
 * {@code POST /api/mfa/recover}.
 */
package dev.stepup.account;
