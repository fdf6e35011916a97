package dev.stepup.platform.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The settings StepUp's PostgreSQL connections start with, read back from the local server the
 * integration tests use (trust authentication, as {@code .ci/run} sets up).
 */
class UrlDataSourceTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    @Test
    void postgresqlConnectionsPlanPreparedStatementsOnceWithoutJit() throws SQLException {
        assertThat(setting(SERVER, "plan_cache_mode")).isEqualTo("force_generic_plan");
        assertThat(setting(SERVER, "jit")).isEqualTo("off");
    }

    @Test
    void optionsInTheUrlTakeThePlaceOfStepUpsSettings() throws SQLException {
        String url = SERVER + "?options=-c%20plan_cache_mode%3Dauto";
        assertThat(setting(url, "plan_cache_mode")).isEqualTo("auto");
        try (Connection plain = DriverManager.getConnection(SERVER, "postgres", "");
             Statement statement = plain.createStatement();
             ResultSet row = statement.executeQuery("show jit")) {
            row.next();
            assertThat(setting(url, "jit")).as("the server's own setting").isEqualTo(row.getString(1));
        }
    }

    @Test
    void anErrorsMessageHoldsNoValueOfTheStatement() throws SQLException {
        UrlDataSource dataSource = new UrlDataSource();
        dataSource.setUrl(SERVER);
        try (Connection connection = dataSource.getConnection("postgres", "trusted");
             Statement create = connection.createStatement()) {
            create.execute("create temporary table unique_values (v text primary key)");
            try (PreparedStatement insert = connection.prepareStatement("insert into unique_values (v) values (?)")) {
                insert.setString(1, "a-bound-value");
                insert.executeUpdate();
                assertThatThrownBy(insert::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("unique_values_pkey")
                        .hasMessageNotContaining("a-bound-value");
            }
        }
    }

    private static String setting(String url, String name) throws SQLException {
        UrlDataSource dataSource = new UrlDataSource();
        dataSource.setUrl(url);
        // The local server trusts its clients: the password is not asked for.
        try (Connection connection = dataSource.getConnection("postgres", "trusted");
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("show " + name)) {
            row.next();
            return row.getString(1);
        }
    }
}
