/**
 * What every feature stands on, and which imports none of them: the datasource chosen at
 * start and its Flyway migrations, the data directory, secrets and clocks, the one family of
 * exception mappers that turns every failure into the contract's
 * {@code {message, errorCode, details}}, request bodies, paging, cookies, the check of the
 * server's settings, the housekeeping tick each feature cleans its own tables on, the
 * group that runs concurrent callers' reads or writes as one ({@code Grouped}), and the
 * statements of several owners sent in one round trip ({@code RoundTrip}).
 */
package dev.stepup.platform;
