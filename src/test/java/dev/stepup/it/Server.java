package dev.stepup.it;

import java.net.URI;

/** Which server the Arquillian suite runs on: the failsafe execution "wildfly" says WildFly. */
public final class Server {

    private Server() {
    }

    public static boolean isWildFly() {
        return "wildfly".equals(System.getProperty("arquillian.launch"));
    }

    /**
     * StepUp's metrics in Prometheus text: Payara's MicroProfile Metrics at {@code /metrics} on
     * the application port; WildFly's Micrometer at {@code /prometheus} on the management port
     * (9990, moved by the suite's port offset).
     */
    public static Api.Reply metrics(Api api) {
        return isWildFly()
                ? management().get("/prometheus")
                : api.header("Accept", "text/plain").get("/metrics?scope=application");
    }

    /**
     * MicroProfile Health ({@code /health/ready}, {@code /health/live}): on the application
     * port on Payara Micro, on the management port on WildFly (see the README).
     */
    public static Api health(Api api) {
        return isWildFly() ? management() : api;
    }

    private static Api management() {
        return Api.at(URI.create("http://127.0.0.1:" + (9990 + TestDatabase.wildFlyOffset()) + "/"));
    }
}
