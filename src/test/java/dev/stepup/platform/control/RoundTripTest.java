package dev.stepup.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Statements of several owners in one round trip, on the local PostgreSQL the integration tests use. */
class RoundTripTest {

    private Connection connection;

    @BeforeEach
    void connect() throws SQLException {
        connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        try (Statement statement = connection.createStatement()) {
            statement.execute("create temporary table numbers (n integer not null)");
        }
        connection.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void eachStatementBindsItsOwnParametersAndGetsItsOwnCount() throws SQLException {
        RoundTrip trip = new RoundTrip();
        RoundTrip.Count inserted = trip.add("insert into numbers select generate_series(1, ?)", (statement, index) -> {
            statement.setInt(index, 5);
            return index + 1;
        });
        RoundTrip.Count updated = trip.add("update numbers set n = n * ? where n > ?", (statement, index) -> {
            statement.setInt(index, 10);
            statement.setInt(index + 1, 3);
            return index + 2;
        });
        RoundTrip.Count deleted = trip.add("delete from numbers where n = ?", (statement, index) -> {
            statement.setInt(index, 1);
            return index + 1;
        });
        trip.run(connection);
        assertThat(inserted.rows()).isEqualTo(5);
        assertThat(updated.rows()).isEqualTo(2);
        assertThat(deleted.rows()).isEqualTo(1);
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select string_agg(n::text, ',' order by n) from numbers")) {
            rows.next();
            assertThat(rows.getString(1)).as("run in the order added").isEqualTo("2,3,40,50");
        }
    }

    @Test
    void aRoundTripWithoutStatementsSendsNothing() throws SQLException {
        connection.close();
        new RoundTrip().run(connection);
    }

    @Test
    void aRoundTripRunsOnceAndTakesNoStatementAfter() throws SQLException {
        RoundTrip trip = new RoundTrip();
        RoundTrip.Count inserted = trip.add("insert into numbers values (1)", (statement, index) -> index);
        assertThatThrownBy(inserted::rows).isInstanceOf(IllegalStateException.class);
        trip.run(connection);
        assertThatThrownBy(() -> trip.run(connection)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> trip.add("insert into numbers values (2)", (statement, index) -> index))
                .isInstanceOf(IllegalStateException.class);
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("select count(*) from numbers")) {
            rows.next();
            assertThat(rows.getInt(1)).as("sent once").isEqualTo(1);
        }
    }

    @Test
    void aStatementThatReturnsRowsIsRefused() {
        RoundTrip trip = new RoundTrip();
        trip.add("select 1", (statement, index) -> index);
        assertThatThrownBy(() -> trip.run(connection)).isInstanceOf(IllegalStateException.class);
    }
}
