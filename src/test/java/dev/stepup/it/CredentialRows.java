package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The one place where the tests change, with SQL, when a credential last stepped up (its
 * window, from the log of used codes) or its user last typed the password.
 */
public final class CredentialRows {

    private CredentialRows() {
    }

    /** Moves the uses of the user's codes, and so the last step-up of each credential, {@code minutes} into the past. */
    public static void ageTokenStepUp(String userId, int minutes) {
        update("update code_use set used_at = used_at - make_interval(mins => ?),"
                + " bucket = floor(extract(epoch from used_at - make_interval(mins => ?)) / 600)"
                + " where identity_id = ?", minutes, minutes, userId);
    }

    /** Moves the last password confirmation of the user's browser sessions {@code minutes} into the past. */
    public static void agePasswordConfirmation(String userId, int minutes) {
        update("update browser_session set confirmed_at = confirmed_at - make_interval(mins => ?) where identity_id = ?",
                minutes, userId);
    }

    private static void update(String sql, Object... parameters) {
        try (Connection db = TestDatabase.connect(); PreparedStatement update = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            assertThat(update.executeUpdate()).as("rows changed by %s", sql).isPositive();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
