package dev.stepup.audit.control;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where {@link MfaMetrics} writes: the server's metrics API. Payara has MicroProfile Metrics
 * ({@link MicroProfileMetricSink}), WildFly has Micrometer ({@link MicrometerMetricSink}); the
 * sink whose API the server lacks fails to load, and CDI leaves it out.
 */
public interface MetricSink {

    /** Adds one to the counter {@code name} with these tags (Prometheus: {@code name_total}). */
    void increment(String name, Map<String, String> tags);

    /** A gauge read from {@code value} whenever the metrics are scraped. */
    void gauge(String name, Map<String, String> tags, LongSupplier value);
}
