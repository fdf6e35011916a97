package dev.stepup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free ports for the servers the tests start, so that a run meets neither another run nor
 * a server someone left running.
 */
public final class Ports {

    /** The ports of WildFly's standalone.xml, each moved by the socket binding port offset. */
    private static final int[] WILDFLY = {8080, 8443, 8009, 9990, 9993, 4712, 4713};
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /** A port nobody listens on right now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A WildFly port offset (a multiple of 100 from 100 on) whose seven ports are all free and
     * that no other server of this JVM was given: HTTP is then on {@code 8080 + offset} and
     * management on {@code 9990 + offset}.
     */
    public static synchronized int wildFlyOffset() {
        for (int offset = 100; offset <= 5000; offset += 100) {
            if (!HANDED_OUT.contains(offset) && allFree(offset)) {
                HANDED_OUT.add(offset);
                return offset;
            }
        }
        throw new IllegalStateException("No free WildFly port offset between 100 and 5000");
    }

    private static boolean allFree(int offset) {
        for (int port : WILDFLY) {
            try (ServerSocket socket = new ServerSocket(port + offset, 1, InetAddress.getByName("127.0.0.1"))) {
                socket.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
