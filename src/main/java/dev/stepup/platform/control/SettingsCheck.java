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

    /** The whole-number settings and the smallest value each takes. */
    static final Map<String, Long> WHOLE_NUMBERS = Map.of(
            "stepup.challenge.ttl.minutes", 1L,
            "stepup.housekeeping.challenge.max.age.hours", 1L,
            "stepup.housekeeping.token.grace.days", 0L,
            "stepup.audit.retention.days", Long.MIN_VALUE,
            "stepup.password.iterations", 1L,
            "stepup.session.idle.minutes", 1L,
            "stepup.session.lifetime.hours", 1L,
            "stepup.throttle.threshold", 1L,
            "stepup.throttle.max.delay.seconds", 1L);

    static final String YES_NO = "stepup.trust.forwarded.proto";

    /** What MicroProfile Config reads as true, and the words for false beside them. */
    static final Set<String> YES_NO_WORDS = Set.of("true", "1", "yes", "y", "on", "false", "0", "no", "n", "off");

    @PostConstruct
    void check() {
        Config config = ConfigProvider.getConfig(SettingsCheck.class.getClassLoader());
        WHOLE_NUMBERS.forEach((name, least) -> value(config, name).ifPresent(value -> {
            try {
                if (Long.parseLong(value) < least) {
                    throw refused(name, value, "a whole number of at least " + least);
                }
            } catch (NumberFormatException e) {
                throw refused(name, value, least == Long.MIN_VALUE ? "a whole number" : "a whole number of at least " + least);
            }
        }));
        value(config, YES_NO).filter(value -> !YES_NO_WORDS.contains(value.toLowerCase(Locale.ROOT)))
                .ifPresent(value -> {
                    throw refused(YES_NO, value, "true or false");
                });
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
