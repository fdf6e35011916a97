package dev.stepup.platform.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Statements of several owners sent to the database together, in one round trip, in the order
 * they were added: each owner adds its own SQL and binds its own parameters, and whoever
 * gathered them runs them in its transaction. Each statement's update count is read once they
 * have run. PostgreSQL only (several statements in one prepared statement). A round trip runs
 * once: a statement added after, or a second run, is refused, so that no statement is lost or
 * sent twice.
 */
public final class RoundTrip {

    /** Binds a statement's parameters from {@code index} on; returns the index after them. */
    @FunctionalInterface
    public interface Binder {
        int bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** A statement's update count, known once the round trip has run. */
    public static final class Count {
        private int rows = -1;

        /** The rows the statement wrote. */
        public int rows() {
            if (rows < 0) {
                throw new IllegalStateException("The round trip has not run");
            }
            return rows;
        }
    }

    private record Part(String sql, Binder binder, Count count) {
    }

    private final List<Part> parts = new ArrayList<>();
    private boolean ran;

    /** Adds a statement that returns no rows (an insert, an update, a merge). */
    public Count add(String sql, Binder binder) {
        if (ran) {
            throw new IllegalStateException("A statement added to a round trip that has run: " + sql);
        }
        Count count = new Count();
        parts.add(new Part(sql, binder, count));
        return count;
    }

    /** Runs the statements added, if any, on {@code connection}, and fills their counts. */
    public void run(Connection connection) throws SQLException {
        if (ran) {
            throw new IllegalStateException("A round trip runs once");
        }
        ran = true;
        if (parts.isEmpty()) {
            return;
        }
        try (PreparedStatement all = connection.prepareStatement(
                parts.stream().map(Part::sql).collect(Collectors.joining("; ")))) {
            int index = 1;
            for (Part part : parts) {
                index = part.binder().bind(all, index);
            }
            boolean rows = all.execute();
            for (Part part : parts) {
                if (rows) {
                    throw new IllegalStateException("A statement of a round trip returned rows: " + part.sql());
                }
                part.count().rows = all.getUpdateCount();
                rows = all.getMoreResults();
            }
        }
    }
}
