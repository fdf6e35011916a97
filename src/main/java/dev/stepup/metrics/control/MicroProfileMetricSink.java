package dev.stepup.metrics.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** StepUp's metrics in MicroProfile Metrics' application registry: Payara's {@code /metrics}. */
@ApplicationScoped
public class MicroProfileMetricSink implements MetricSink {

    @Inject
    @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
    MetricRegistry registry;

    @Override
    public void increment(String name, Map<String, String> tags) {
        registry.counter(name, tags(tags)).inc();
    }

    @Override
    public void gauge(String name, Map<String, String> tags, LongSupplier value) {
        registry.gauge(name, value::getAsLong, tags(tags));
    }

    private static Tag[] tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(tag -> new Tag(tag.getKey(), tag.getValue())).toArray(Tag[]::new);
    }
}
