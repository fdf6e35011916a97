package dev.stepup.registration.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.h2.api.Trigger;

/**
 * H2's half of the {@code registration_tally} upkeep (PostgreSQL's is PL/pgSQL, in its V7
 * migration): takes one from the tally of a changed row's old factor, status and block and
 * adds one to its new one, in the writing transaction. Updates that leave those alone, as
 * every step-up's does, cost a comparison. The H2 migration V7 names this class: moving or
 * renaming it needs a migration that recreates the trigger.
 */
public class RegistrationTallyTrigger implements Trigger {

    /** Must match the block size of the migrations: 1024 consecutive {@code list_order} values. */
    static final long BLOCK = 1024;

    /** Duplicate key, concurrent update, lock timeout: another writer holds the block's row. */
    private static final Set<String> RACES = Set.of("23505", "90131", "HYT00");

    private static final int MAX_ATTEMPTS = 250;

    private int factor;
    private int status;
    private int listOrder;

    @Override
    public void init(Connection conn, String schema, String trigger, String table, boolean before, int type)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        try (ResultSet rows = conn.getMetaData().getColumns(null, schema, table, null)) {
            while (rows.next()) {
                columns.add(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        factor = index(columns, "factor");
        status = index(columns, "status");
        listOrder = index(columns, "list_order");
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (oldRow != null && newRow != null && Objects.equals(oldRow[factor], newRow[factor])
                && Objects.equals(oldRow[status], newRow[status]) && Objects.equals(oldRow[listOrder], newRow[listOrder])) {
            return;
        }
        if (oldRow != null) {
            add(conn, oldRow, -1);
        }
        if (newRow != null) {
            add(conn, newRow, 1);
        }
    }

    private void add(Connection conn, Object[] row, long n) throws SQLException {
        long block = ((Number) row[listOrder]).longValue() / BLOCK;
        for (int attempt = 1; ; attempt++) {
            if (update(conn, row, block, n) > 0) {
                return;
            }
            try (PreparedStatement insert = conn.prepareStatement(
                    "insert into registration_tally (factor, status, block, n) values (?, ?, ?, ?)")) {
                insert.setString(1, (String) row[factor]);
                insert.setString(2, (String) row[status]);
                insert.setLong(3, block);
                insert.setLong(4, n);
                insert.executeUpdate();
                return;
            } catch (SQLException e) {
                // Another transaction counts the block's first row: once it commits, add to its count.
                if (!RACES.contains(e.getSQLState()) || attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                pause();
            }
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("Interrupted while waiting to count a registration", e);
        }
    }

    private int update(Connection conn, Object[] row, long block, long n) throws SQLException {
        try (PreparedStatement update = conn.prepareStatement(
                "update registration_tally set n = n + ? where factor = ? and status = ? and block = ?")) {
            update.setLong(1, n);
            update.setString(2, (String) row[factor]);
            update.setString(3, (String) row[status]);
            update.setLong(4, block);
            return update.executeUpdate();
        }
    }

    private static int index(List<String> columns, String name) throws SQLException {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new SQLException("registration has no column " + name);
        }
        return index;
    }
}
