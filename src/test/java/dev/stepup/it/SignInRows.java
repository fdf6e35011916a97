package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The rows of {@code sign_in_throttle}, found by the username they count, read and set with SQL. */
final class SignInRows {

    private SignInRows() {
    }

    /** The failures counted against a username; none once it has no row. */
    static int failures(Connection db, String username) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select failures from sign_in_throttle where name_hash = ?")) {
            select.setString(1, nameHash(username));
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }
    }

    static boolean exists(Connection db, String username) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select 1 from sign_in_throttle where name_hash = ?")) {
            select.setString(1, nameHash(username));
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** Sets columns of the username's row, which must exist. */
    static void set(Connection db, String username, String set) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("update sign_in_throttle set " + set + " where name_hash = ?")) {
            update.setString(1, nameHash(username));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String nameHash(String username) {
        return TestDatabase.sha256("sign-in:" + username);
    }
}
