/**
 * Readiness and liveness: MicroProfile Health checks ({@code /health/ready} checks the
 * database) and {@code HEAD /api/health}, which answers {@code 200} without authentication.
 */
package dev.stepup.health;
