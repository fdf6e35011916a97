package dev.stepup.metrics.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * StepUp's metrics in WildFly's Micrometer registry (its Prometheus endpoint, see
 * wildfly.cli). No Micrometer type appears in this bean's fields or methods, so servers
 * without Micrometer (Payara) load it without complaint; there it finds no registry and
 * writes nothing. {@link MicrometerMeters} holds the Micrometer code.
 */
@ApplicationScoped
public class MicrometerMetricSink implements MetricSink {

    private static final String REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    private static final Logger LOG = Logger.getLogger(MicrometerMetricSink.class.getName());

    @Inject
    @Any
    Instance<Object> beans;

    /** Null where the server has no Micrometer registry. */
    private MicrometerMeters meters;

    @PostConstruct
    void connect() {
        if (available()) {
            meters = MicrometerMeters.connect(beans);
            if (meters == null) {
                // Micrometer is there but gives the application no registry: say so, as the
                // metrics would otherwise just be missing.
                LOG.warning("Micrometer is present but no MeterRegistry bean resolves: StepUp's metrics go nowhere;"
                        + " see server-config/wildfly.cli for the micrometer subsystem");
            }
        }
    }

    private static boolean available() {
        try {
            Class.forName(REGISTRY, false, MicrometerMetricSink.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    @Override
    public void increment(String name, Map<String, String> tags) {
        if (meters != null) {
            meters.increment(name, tags);
        }
    }

    @Override
    public void gauge(String name, Map<String, String> tags, LongSupplier value) {
        if (meters != null) {
            meters.gauge(name, tags, value);
        }
    }

    @PreDestroy
    void removeGauges() {
        if (meters != null) {
            meters.removeGauges();
        }
    }
}
