package dev.stepup.metrics.control;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The Micrometer side of {@link MicrometerMetricSink}: not a bean, and loaded only where
 * Micrometer is, so its types never reach a server without it.
 */
final class MicrometerMeters {

    private final MeterRegistry registry;

    /** WildFly's registry outlives a deployment: the gauges go with the deployment that made them. */
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

    private MicrometerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The server's (default) registry, or null if it offers none to the application. */
    static MicrometerMeters connect(Instance<Object> beans) {
        Instance<MeterRegistry> registry = beans.select(MeterRegistry.class, Default.Literal.INSTANCE);
        return registry.isResolvable() ? new MicrometerMeters(registry.get()) : null;
    }

    void increment(String name, Map<String, String> tags) {
        registry.counter(name, tags(tags)).increment();
    }

    void gauge(String name, Map<String, String> tags, LongSupplier value) {
        // Held strongly: Micrometer keeps only a weak reference by default, and the supplier
        // has no other owner.
        gauges.add(Gauge.builder(name, value, LongSupplier::getAsLong).tags(tags(tags)).strongReference(true)
                .register(registry));
    }

    void removeGauges() {
        gauges.forEach(registry::remove);
        gauges.clear();
    }

    private static Tags tags(Map<String, String> tags) {
        Tags all = Tags.empty();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            all = all.and(tag.getKey(), tag.getValue());
        }
        return all;
    }
}
