package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of {@code sign_in_throttle}, found by the username they count from this test
 * client's address (the (name, address) row; the client connects from one of this machine's
 * own addresses, whichever the server's URL names), read and set with SQL.
 */
final class SignInRows {

    private SignInRows() {
    }

    /** The failures counted against a username; none once it has no row. */
    static int failures(Connection db, String username) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select failures from sign_in_throttle where name_hash in (" + CANDIDATES + ")")) {
            bind(select, username);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getInt(1) : 0;
            }
        }
    }

    static boolean exists(Connection db, String username) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("select 1 from sign_in_throttle where name_hash in (" + CANDIDATES + ")")) {
            bind(select, username);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    /** Sets columns of the username's row, which must exist. */
    static void set(Connection db, String username, String set) throws SQLException {
        try (PreparedStatement update = db.prepareStatement("update sign_in_throttle set " + set + " where name_hash in (" + CANDIDATES + ")")) {
            bind(update, username);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** The addresses the server may see this client come from: this machine's own, as the server counts them. */
    private static final List<String> ADDRESSES = localAddresses();
    private static final String CANDIDATES = String.join(", ", Collections.nCopies(ADDRESSES.size(), "?"));

    private static void bind(PreparedStatement statement, String username) throws SQLException {
        for (int i = 0; i < ADDRESSES.size(); i++) {
            statement.setString(i + 1, TestDatabase.sha256("sign-in-from:" + ADDRESSES.get(i) + "\n" + username));
        }
    }

    /** IPv4 addresses as they are, IPv6 ones as their /64, as the server keys its rows. */
    private static List<String> localAddresses() {
        try {
            List<String> addresses = new ArrayList<>();
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(network.getInetAddresses())) {
                    if (address instanceof Inet6Address) {
                        byte[] bytes = address.getAddress();
                        StringBuilder prefix = new StringBuilder();
                        for (int i = 0; i < 8; i += 2) {
                            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
                        }
                        addresses.add(prefix.append(":/64").toString());
                    } else {
                        addresses.add(address.getHostAddress());
                    }
                }
            }
            return List.copyOf(addresses);
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }
}
