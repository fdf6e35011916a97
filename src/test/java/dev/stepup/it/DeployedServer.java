package dev.stepup.it;

import java.net.URI;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;

/**
 * Where the shared server of this test JVM answers, as the Arquillian container that
 * deployed the shared deployment reported it (see {@code dev.stepup.it.arquillian}).
 */
public final class DeployedServer {

    private static volatile URI base;

    private DeployedServer() {
    }

    /** Called by the container once the shared deployment is up. */
    public static void started(ProtocolMetaData metaData) {
        HTTPContext http = metaData.getContexts(HTTPContext.class).iterator().next();
        base = URI.create("http://" + http.getHost() + ":" + http.getPort() + "/");
    }

    /** Called by the container when the server stops at the end of the run. */
    public static void stopped() {
        base = null;
    }

    /** The base URI of the shared server; the WAR's context root is {@code /}. */
    public static URI base() {
        URI current = base;
        if (current == null) {
            throw new IllegalStateException("The shared server is not deployed: is the class annotated with @BlackBox?");
        }
        return current;
    }
}
