package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The one place where the tests change, with SQL, when a credential last stepped up (its
 * window): on the API token's row, the browser session's row, or a Bearer JWT's row.
 */
public final class CredentialRows {

    private CredentialRows() {
    }

    /** Moves the last step-up of the user's API token {@code minutes} into the past. */
    public static void ageTokenStepUp(String userId, int minutes) {
        update("update api_token set stepped_up_at = stepped_up_at - make_interval(mins => ?) where identity_id = ?",
                minutes, userId);
    }

    /** Moves the last password confirmation of the user's browser sessions {@code minutes} into the past. */
    public static void agePasswordConfirmation(String userId, int minutes) {
        update("update browser_session set confirmed_at = confirmed_at - make_interval(mins => ?) where identity_id = ?",
                minutes, userId);
    }

    private static void update(String sql, int minutes, String userId) {
        try (Connection db = TestDatabase.connect(); PreparedStatement update = db.prepareStatement(sql)) {
            update.setInt(1, minutes);
            update.setString(2, userId);
            assertThat(update.executeUpdate()).as("rows of %s changed by %s", userId, sql).isPositive();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
