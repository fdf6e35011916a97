package dev.stepup.audit.control;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** StepUp's metrics in WildFly's Micrometer registry (its Prometheus endpoint, see wildfly.cli). */
@ApplicationScoped
public class MicrometerMetricSink implements MetricSink {

    @Inject
    MeterRegistry registry;

    /** WildFly's registry outlives a deployment: the gauges go with the deployment that made them. */
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

    @Override
    public void increment(String name, Map<String, String> tags) {
        registry.counter(name, tags(tags)).increment();
    }

    @Override
    public void gauge(String name, Map<String, String> tags, LongSupplier value) {
        // Held strongly: Micrometer keeps only a weak reference by default, and the supplier
        // has no other owner.
        gauges.add(Gauge.builder(name, value, LongSupplier::getAsLong).tags(tags(tags)).strongReference(true)
                .register(registry));
    }

    @PreDestroy
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
