package dev.stepup.registration.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.identity.entity.UserId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A user's lock key computed in SQL ({@link CodeUses#lockKeyOf}, for the users a batch knows
 * only by their API tokens) is the one Java computes ({@link CodeUses#lockKey}), on the local
 * PostgreSQL the integration tests use: otherwise a batch and a code checked alone would take
 * different locks for one user, and could both use the same code.
 */
class LockKeyTest {

    @Test
    void theKeyComputedInSqlIsJavasForEveryId() throws SQLException {
        List<UserId> ids = new ArrayList<>(List.of(new UserId("zzzzzzzzzzzzzzzzzzzz"), new UserId("00000000000000000000"),
                new UserId("AAAAAAAAAAAAAAAAAAAA"), new UserId("z0000000000000000000")));
        for (int i = 0; i < 2_000; i++) {
            ids.add(UserId.random());
        }
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
             PreparedStatement keys = connection.prepareStatement("select u.id, " + CodeUses.lockKeyOf("u.id")
                     + " from unnest(cast(? as varchar[])) with ordinality as u(id, n) order by u.n")) {
            keys.setArray(1, CodeUses.ids(connection, ids));
            try (ResultSet rows = keys.executeQuery()) {
                for (UserId id : ids) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo(id.value());
                    assertThat(rows.getInt(2)).as(id.value()).isEqualTo(CodeUses.lockKey(id));
                }
                assertThat(rows.next()).isFalse();
            }
        }
    }
}
