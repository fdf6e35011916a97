package dev.stepup.audit.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * StepUp's metrics in WildFly's Micrometer registry (its Prometheus endpoint, see
 * wildfly.cli). No Micrometer type appears in this bean's fields or methods, so servers
 * without Micrometer (Payara) load it without complaint; there it finds no registry and
 * writes nothing. {@link MicrometerMeters} holds the Micrometer code.
 */
@ApplicationScoped
public class MicrometerMetricSink implements MetricSink {

    static final String REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    @Inject
    @Any
    Instance<Object> beans;

    /** Null where the server has no Micrometer registry. */
    private MicrometerMeters meters;

    @PostConstruct
    void connect() {
        if (available()) {
            meters = MicrometerMeters.connect(beans);
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
