/**
 * Self-service for the signed-in caller: who am I, and my own API token, whose creation is
 * guarded by an always-prompt step-up (the web UI's step-up demo).
 */
package dev.stepup.account;
