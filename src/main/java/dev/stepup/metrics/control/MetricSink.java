package dev.stepup.metrics.control;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where {@link MfaMetrics} writes: the server's metrics API. Payara has MicroProfile Metrics
 * ({@link MicroProfileMetricSink}), WildFly has Micrometer ({@link MicrometerMetricSink}). Where
 * MicroProfile Metrics is missing CDI leaves its sink out; the Micrometer sink loads on any
 * server and writes only where it finds a registry.
 */
public interface MetricSink {

    /** Adds one to the counter {@code name} with these tags (Prometheus: {@code name_total}). */
    void increment(String name, Map<String, String> tags);

    /** A gauge read from {@code value} whenever the metrics are scraped. */
    void gauge(String name, Map<String, String> tags, LongSupplier value);
}
