package dev.stepup.platform.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The settings StepUp's PostgreSQL connections start with, on the local server the tests use. */
class UrlDataSourceTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres";

    @Test
    void postgresqlConnectionsPlanPreparedStatementsOnceWithoutJit() throws SQLException {
        assertEquals("force_generic_plan", setting(SERVER, "plan_cache_mode"));
        assertEquals("off", setting(SERVER, "jit"));
    }

    @Test
    void optionsInTheUrlReplaceStepUps() throws SQLException {
        String url = SERVER + "?options=-c%20plan_cache_mode%3Dauto";
        assertEquals("auto", setting(url, "plan_cache_mode"));
        try (Connection plain = DriverManager.getConnection(SERVER, "postgres", "");
             Statement statement = plain.createStatement();
             ResultSet row = statement.executeQuery("show jit")) {
            row.next();
            assertEquals(row.getString(1), setting(url, "jit"), "the server's own setting");
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
