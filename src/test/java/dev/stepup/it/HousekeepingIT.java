package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The server's own clean-up: it forgets a sign-in name's failures after a day without one,
 * and removes audit lines older than the retention (400 days here), and nothing younger. The
 * shared server runs it every 2 seconds ({@code stepup.housekeeping.interval.seconds}), so the
 * test waits for the next run, a few seconds.
 */
@BlackBox
class HousekeepingIT {

    Api api;

    @Test
    void forgetsQuietSignInNamesAndAuditLinesPastTheirRetention() throws Exception {
        forgetsQuietSignInNamesAndOldAuditLines(api, TestDatabase.shared());
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

            // The next run is at most two seconds away; the margin allows for a busy machine.
            Waits.until(Duration.ofSeconds(60), "a housekeeping run", () -> done(db, old, marker), Boolean::booleanValue);
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
