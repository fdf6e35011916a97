package dev.stepup.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL database of this test run on the local server (trust auth, user postgres),
 * named {@code stepup_it_<millis>_<n>} and dropped when the test JVM ends; {@code .ci/run}
 * drops the ones a killed run left behind.
 */
public final class Database {

    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final AtomicInteger MADE = new AtomicInteger();

    private final String name;

    private Database(String name) {
        this.name = name;
    }

    /** A new, empty database; the server that first uses it makes the schema. */
    public static Database create() {
        String name = "stepup_it_" + System.currentTimeMillis() + "_" + MADE.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + " on " + SERVER
                    + " as postgres (see .ci/run for the trust authentication the tests need)", e);
        }
        Database database = new Database(name);
        Runtime.getRuntime().addShutdownHook(new Thread(database::drop));
        return database;
    }

    public String name() {
        return name;
    }

    public String url() {
        return SERVER + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    /** Until a statement of a server's on this database that starts with {@code start} waits for a lock. */
    public void awaitLockWait(String start) throws SQLException, InterruptedException {
        try (Connection db = connect()) {
            for (int poll = 0; poll < 300; poll++) {
                if (lockWaits(db, start) > 0) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError("No statement starting '" + start + "' waited for a lock on " + name);
    }

    /** How many statements on this database that start with {@code start} wait for a lock now. */
    public int lockWaits(String start) throws SQLException {
        try (Connection db = connect()) {
            return lockWaits(db, start);
        }
    }

    private static int lockWaits(Connection db, String start) throws SQLException {
        try (PreparedStatement waiting = db.prepareStatement("select count(*) from pg_stat_activity"
                + " where datname = current_database() and wait_event_type = 'Lock' and query like ?")) {
            waiting.setString(1, start + "%");
            try (ResultSet row = waiting.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private void drop() {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
