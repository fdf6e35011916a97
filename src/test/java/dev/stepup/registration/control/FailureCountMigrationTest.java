package dev.stepup.registration.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V14 on a real in-memory H2: the failures a V13 server logged, a row each, become
 * one row per user and bucket with their count and the last of them, and none is lost.
 */
class FailureCountMigrationTest {

    @Test
    void theFailuresLoggedBeforeAreCountedPerUserAndBucket() throws SQLException {
        String url = "jdbc:h2:mem:failures-" + UUID.randomUUID();
        try (Connection db = DriverManager.getConnection(url); Statement sql = db.createStatement()) {
            migrate(url, "13");
            sql.execute("insert into code_failure (bucket, identity_id, failed_at) values"
                    + " (1, 'a', timestamp with time zone '2026-12-07 00:50:00Z'),"
                    + " (1, 'a', timestamp with time zone '2026-12-07 00:30:00Z'),"
                    + " (1, 'b', timestamp with time zone '2026-12-07 00:40:00Z'),"
                    + " (2, 'b', timestamp with time zone '2026-12-07 01:10:00Z'),"
                    + " (2, 'b', timestamp with time zone '2026-12-07 01:15:00Z'),"
                    + " (2, 'b', timestamp with time zone '2026-12-07 01:05:00Z')");

            migrate(url, "14");

            List<String> rows = new ArrayList<>();
            try (ResultSet row = sql.executeQuery("select bucket, identity_id, failures, last_failed_at from code_failure"
                    + " order by bucket, identity_id")) {
                while (row.next()) {
                    rows.add(row.getLong(1) + " " + row.getString(2) + " " + row.getInt(3) + " "
                            + row.getObject(4, OffsetDateTime.class).toInstant());
                }
            }
            assertThat(rows).containsExactly("1 a 2 2026-12-07T00:50:00Z", "1 b 1 2026-12-07T00:40:00Z",
                    "2 b 3 2026-12-07T01:15:00Z");
        }
    }

    private static void migrate(String url, String target) {
        Flyway.configure(FailureCountMigrationTest.class.getClassLoader())
                .dataSource(url, null, null)
                .locations("classpath:db/migration", "classpath:db/h2")
                .target(target)
                .load()
                .migrate();
    }
}
