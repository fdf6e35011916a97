/**
 * What every feature stands on: the JAX-RS application, the datasource chosen at start,
 * Flyway migrations, the data directory, paging and the one family of exception mappers
 * that turns every failure into the contract's {@code {message, errorCode, details}}.
 */
package dev.stepup.platform;
