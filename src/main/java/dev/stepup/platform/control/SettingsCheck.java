package dev.stepup.platform.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Refuses a start whose numeric or yes/no settings cannot be read. Payara Micro's
 * MicroProfile Config gives an injected {@code long} its default when the value is not a
 * number, without a word, so {@code STEPUP_THROTTLE_THRESHOLD=5O} would run with the
 * default; here the deployment stops and names the variable instead.
 */
@Startup
@Singleton
public class SettingsCheck {

    /** The whole numbers a setting takes, from least to most (within an {@code int} where it is one). */
    record Range(long least, long most) {
    }

    static final Map<String, Range> WHOLE_NUMBERS = Map.ofEntries(
            Map.entry("stepup.challenge.ttl.minutes", new Range(1, Long.MAX_VALUE)),
            Map.entry("stepup.housekeeping.challenge.max.age.hours", new Range(1, Long.MAX_VALUE)),
            Map.entry("stepup.housekeeping.interval.seconds", new Range(1, 86_400)),
            Map.entry("stepup.housekeeping.token.grace.days", new Range(0, Long.MAX_VALUE)),
            Map.entry("stepup.audit.retention.days", new Range(Long.MIN_VALUE, Long.MAX_VALUE)),
            // Jakarta Security's PBKDF2 takes no fewer than 1 024 iterations.
            Map.entry("stepup.password.iterations", new Range(1024, Integer.MAX_VALUE)),
            // 0: twice the processors.
            Map.entry("stepup.password.concurrent.checks", new Range(0, Integer.MAX_VALUE)),
            Map.entry("stepup.session.idle.minutes", new Range(1, Long.MAX_VALUE)),
            Map.entry("stepup.session.lifetime.hours", new Range(1, Long.MAX_VALUE)),
            Map.entry("stepup.throttle.threshold", new Range(1, Integer.MAX_VALUE)),
            Map.entry("stepup.throttle.name.threshold", new Range(1, Integer.MAX_VALUE)),
            Map.entry("stepup.throttle.max.delay.seconds", new Range(1, Long.MAX_VALUE)),
            Map.entry("stepup.throttle.max.rows", new Range(100, Integer.MAX_VALUE)),
            Map.entry("stepup.jwt.max.lifetime.seconds", new Range(1, Long.MAX_VALUE)));

    static final Set<String> YES_NO = Set.of("stepup.trust.forwarded.proto", "stepup.trust.forwarded.for",
            "stepup.jwt.any.audience", "stepup.jwt.jwks.allow.http", "stepup.verify.batches");

    /** What MicroProfile Config reads as true, and the words for false beside them. */
    static final Set<String> YES_NO_WORDS = Set.of("true", "1", "yes", "y", "on", "false", "0", "no", "n", "off");

    @PostConstruct
    void check() {
        Config config = ConfigProvider.getConfig(SettingsCheck.class.getClassLoader());
        WHOLE_NUMBERS.forEach((name, range) -> value(config, name).ifPresent(value -> {
            String wanted = range.least() == Long.MIN_VALUE ? "a whole number"
                    : range.most() == Long.MAX_VALUE ? "a whole number of at least " + range.least()
                    : "a whole number from " + range.least() + " to " + range.most();
            long number;
            try {
                number = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw refused(name, value, wanted);
            }
            if (number < range.least() || number > range.most()) {
                throw refused(name, value, wanted);
            }
        }));
        YES_NO.forEach(name -> value(config, name).filter(value -> !YES_NO_WORDS.contains(value.toLowerCase(Locale.ROOT)))
                .ifPresent(value -> {
                    throw refused(name, value, "true or false");
                }));
    }

    private static Optional<String> value(Config config, String name) {
        return config.getOptionalValue(name, String.class);
    }

    private static IllegalStateException refused(String name, String value, String wanted) {
        String variable = name.toUpperCase(Locale.ROOT).replace('.', '_');
        return new IllegalStateException(variable + " (" + name + ") must be " + wanted + ", not '" + value
                + "'; StepUp does not start with a setting it cannot read");
    }
}
