package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The one place where the tests read and change a user's row of the {@code registration}
 * table with SQL: its used time step, failure count (with the log of failures,
 * {@code code_failure}), age and key id. Every
 * test changes only the rows of users it made itself.
 */
public final class RegistrationRows {

    private final Database database;

    private RegistrationRows(Database database) {
        this.database = database;
    }

    /** The registrations on {@code database}. */
    public static RegistrationRows in(Database database) {
        return new RegistrationRows(database);
    }

    /** The registrations of the shared server. */
    public static RegistrationRows shared() {
        return in(TestDatabase.shared());
    }

    /**
     * Forgets which time steps the user's codes have used, as if time had moved on: every
     * code of the steps the server accepts now is fresh again. Instead of waiting for the
     * next time step when a test needs more codes than the clock gives.
     */
    public void forgetUsedSteps(String userId) {
        update(userId, "last_step = -1");
        try (Connection db = database.connect();
             PreparedStatement forget = db.prepareStatement("update code_use set step = -1 where identity_id = ?")) {
            forget.setString(1, userId);
            forget.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets columns of the user's TOTP registration, which must exist: {@code set} is SQL. */
    public void update(String userId, String set) {
        try (Connection db = database.connect();
             PreparedStatement update = db.prepareStatement(
                     "update registration set " + set + " where identity_id = ? and factor = 'TOTP'")) {
            update.setString(1, userId);
            assertThat(update.executeUpdate()).as("registration rows of %s", userId).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the user has a registration row at all. A pending enrolment older than its
     * time to live (10 minutes) reads as {@code UNREGISTERED} over the API while its row is
     * still there: what a purge removed shows only here.
     */
    public boolean exists(String userId) {
        return query("select 1 from registration where identity_id = ? and factor = 'TOTP'", userId, ResultSet::next);
    }

    /** The failures counted against the user's registration: on its row and in the log. */
    public int failures(String userId) {
        return rowFailures(userId) + loggedFailures(userId);
    }

    /** The failures housekeeping has folded into the registration row. */
    public int rowFailures(String userId) {
        return Integer.parseInt(column(userId, "failures"));
    }

    /** The user's failures in the log ({@code code_failure}) that housekeeping has not folded yet. */
    public int loggedFailures(String userId) {
        return query("select coalesce(sum(failures), 0) from code_failure where identity_id = ?", userId, row -> {
            row.next();
            return row.getInt(1);
        });
    }

    /** The last failure folded into the user's registration row, if any. */
    public Instant rowLastFailure(String userId) {
        return timestamp("select last_failure_at from registration where identity_id = ? and factor = 'TOTP'", userId);
    }

    /** The user's last failure in the log, if any. */
    public Instant lastLoggedFailure(String userId) {
        return timestamp("select max(last_failed_at) from code_failure where identity_id = ?", userId);
    }

    private Instant timestamp(String sql, String userId) {
        return query(sql, userId, row -> {
            assertThat(row.next()).as("%s for %s", sql, userId).isTrue();
            Timestamp at = row.getTimestamp(1);
            return at == null ? null : at.toInstant();
        });
    }

    /** What {@code read} takes from the rows of {@code sql}, whose one parameter is the user's id. */
    private <T> T query(String sql, String userId, Reading<T> read) {
        try (Connection db = database.connect();
             PreparedStatement query = db.prepareStatement(sql)) {
            query.setString(1, userId);
            try (ResultSet rows = query.executeQuery()) {
                return read.from(rows);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what a query needs from its rows. */
    private interface Reading<T> {
        T from(ResultSet rows) throws SQLException;
    }

    /**
     * Moves the user's logged failures {@code minutes} back in time, with their ten-minute
     * buckets, as if they had been counted then.
     */
    public void ageLoggedFailures(String userId, int minutes) {
        try (Connection db = database.connect();
             PreparedStatement age = db.prepareStatement("update code_failure set bucket = bucket - ? / 10,"
                     + " last_failed_at = last_failed_at - make_interval(mins => ?) where identity_id = ?")) {
            age.setInt(1, minutes);
            age.setInt(2, minutes);
            age.setString(3, userId);
            assertThat(age.executeUpdate()).as("logged failures of %s", userId).isPositive();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The id of the key the user's secret is encrypted under. */
    public String keyId(String userId) {
        return column(userId, "key_id");
    }

    /** The stored secret, as the column holds it. */
    public String secretCiphertext(String userId) {
        return column(userId, "secret_ciphertext");
    }

    private String column(String userId, String column) {
        String sql = "select " + column + " from registration where identity_id = ? and factor = 'TOTP'";
        return query(sql, userId, row -> {
            assertThat(row.next()).as("a registration of %s", userId).isTrue();
            return row.getString(1);
        });
    }
}
