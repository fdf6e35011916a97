package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own clean-up, which runs each minute: it forgets a sign-in name's failures
 * after a day without one, and removes audit lines older than the retention (400 days
 * here), and nothing younger. The test waits for the next run, up to a minute: on a server
 * and database of its own (Payara Micro, or WildFly in the failsafe execution "wildfly"), so
 * that the wait passes beside the classes of the shared server.
 */
class HousekeepingIT {

    static final Duration READY = Duration.ofSeconds(300);

    @Test
    void forgetsQuietSignInNamesAndAuditLinesPastTheirRetention(@TempDir Path work) throws Exception {
        Database database = Database.create();
        Map<String, String> environment = Map.of(
                "STEPUP_DB_URL", database.url(),
                "STEPUP_DB_USER", "postgres",
                "STEPUP_DB_PASSWORD", "unused",
                "STEPUP_SECRET_KEY", TestDatabase.SECRET_KEY,
                "STEPUP_BOOTSTRAP_ADMIN_TOKEN", TestDatabase.ADMIN_TOKEN,
                "STEPUP_AUDIT_RETENTION_DAYS", "400");
        try (ServerProcess server = Server.isWildFly()
                ? ServerProcess.startWildFly("housekeeping-wildfly", environment, work, Ports.wildFlyOffset())
                : ServerProcess.start("housekeeping", environment, work, Ports.free())) {
            server.awaitReady(READY);
            forgetsQuietSignInNamesAndOldAuditLines(server.api(), database);
        }
    }

    private static void forgetsQuietSignInNamesAndOldAuditLines(Api api, Database database) throws SQLException {
        String old = "nobody-" + UUID.randomUUID();
        String recent = "nobody-" + UUID.randomUUID();
        for (String name : new String[] {old, recent}) {
            Api.Reply refused = api.post("/api/session", "{\"username\":\"" + name + "\",\"password\":\"guess\"}");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.errorCode()).isEqualTo("AU-0000");
        }
        String marker = "housekeeping-" + UUID.randomUUID();
        try (Connection db = database.connect()) {
            SignInRows.set(db, old, "last_failure_at = now() - interval '25 hours'");
            SignInRows.set(db, recent, "last_failure_at = now() - interval '23 hours'");
            try (PreparedStatement insert = db.prepareStatement("insert into audit_event (event_time, type, outcome, details)"
                    + " values (now() - cast(? as interval), 'CONFIGURATION_CHANGED', 'SUCCESS', ?)")) {
                for (String age : new String[] {"401 days", "399 days"}) {
                    insert.setString(1, age);
                    insert.setString(2, marker + " " + age);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }

            // The next run is at most a minute away; the margin allows one run more.
            Waits.until(Duration.ofSeconds(130), "a housekeeping run", () -> done(db, old, marker), Boolean::booleanValue);
            assertThat(SignInRows.exists(db, old)).as("a name without a failure for 25 hours").isFalse();
            assertThat(SignInRows.failures(db, recent)).as("a name whose last failure is 23 hours old").isEqualTo(1);
            assertThat(audited(db, marker + " 401 days")).isFalse();
            assertThat(audited(db, marker + " 399 days")).isTrue();
        }
    }

    private static boolean done(Connection db, String old, String marker) {
        try {
            return !SignInRows.exists(db, old) && !audited(db, marker + " 401 days");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean audited(Connection db, String details) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select 1 from audit_event where details = ?")) {
            select.setString(1, details);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }
}
