package dev.stepup.it;

/** Which server the Arquillian suite runs on: the failsafe execution "wildfly" says WildFly. */
public final class Server {

    private Server() {
    }

    public static boolean isWildFly() {
        return "wildfly".equals(System.getProperty("arquillian.launch"));
    }

    /** StepUp's own series at {@code /metrics}: MicroProfile Metrics, which Payara has and WildFly has not. */
    public static boolean hasMicroProfileMetrics() {
        return !isWildFly();
    }
}
