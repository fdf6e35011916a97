package dev.stepup.guard;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The guard's settings, read once from MicroProfile Config; each is also an environment
 * variable ({@code stepup.guard.url} is {@code STEPUP_GUARD_URL}).
 * <p>
 * Read and checked here rather than injected key by key: Payara's MicroProfile Config quietly
 * uses the default for a number it cannot read, and an application default such as
 * {@code ${stepup.bootstrap.verifier.token}} that nothing fills would fail the injection
 * without naming the key. A setting the guard cannot use makes it refuse every guarded action
 * (fail closed) with a message naming the setting, also logged once at start. The defaults
 * live here, not in a {@code microprofile-config.properties} of the jar, which would compete
 * with the application's own file at the same ordinal.
 */
@ApplicationScoped
class GuardSettings {

    static final String URL = "stepup.guard.url";
    static final String TOKEN = "stepup.guard.token";
    static final String COOKIE_NAME = "stepup.guard.cookie.name";
    static final String CONNECT_TIMEOUT = "stepup.guard.connect.timeout.millis";
    static final String REQUEST_TIMEOUT = "stepup.guard.request.timeout.millis";
    static final String USER_SOURCE = "stepup.guard.user.source";
    static final String USER_ATTRIBUTE = "stepup.guard.user.attribute";
    static final String PASS_SECONDS = "stepup.guard.pass.seconds";

    private static final Logger LOG = Logger.getLogger(GuardSettings.class.getName());

    @Inject
    Config config;

    private Function<String, Optional<String>> values;
    private final List<String> problems = new ArrayList<>();
    private URI url;
    private String token;
    private String cookieName;
    private Duration connectTimeout;
    private Duration requestTimeout;
    private Duration passLifetime;
    /** The session attribute that names the user; null: the caller principal does. */
    private String userAttribute;

    @PostConstruct
    void read() {
        read(key -> config.getOptionalValue(key, String.class));
    }

    /** Reads every setting from {@code source}, noting what cannot be used. */
    void read(Function<String, Optional<String>> source) {
        values = source;
        problems.clear();
        url = value(URL).or(() -> Optional.of("http://127.0.0.1:8080")).map(this::baseUrl).orElse(null);
        token = value(TOKEN).orElse(null);
        if (token == null && problems.stream().noneMatch(problem -> problem.startsWith(TOKEN))) {
            problems.add(TOKEN + " (STEPUP_GUARD_TOKEN) is not set: the API token of a StepUpVerifier service identity");
        }
        cookieName = value(COOKIE_NAME).orElse("STEPUP_COMPLETION");
        connectTimeout = Duration.ofMillis(positive(CONNECT_TIMEOUT, 2000));
        requestTimeout = Duration.ofMillis(positive(REQUEST_TIMEOUT, 5000));
        passLifetime = Duration.ofSeconds(positive(PASS_SECONDS, 60));
        String userSource = value(USER_SOURCE).orElse("principal");
        if ("session-attribute".equals(userSource)) {
            userAttribute = value(USER_ATTRIBUTE).orElse(null);
            if (userAttribute == null) {
                problems.add(USER_ATTRIBUTE + " must name the session attribute when " + USER_SOURCE + " is session-attribute");
            }
        } else if (!"principal".equals(userSource)) {
            problems.add(USER_SOURCE + " must be principal or session-attribute, not '" + userSource + "'");
        }
    }

    /** At the application's start: says what is wrong before the first guarded action is refused for it. */
    // The observer makes the container create this bean at start, which reads the settings.
    void checkAtStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (!problems.isEmpty()) {
            LOG.severe("The StepUp guard refuses every @StepUpRequired action until its settings are fixed: "
                    + String.join("; ", problems));
        }
    }

    /** Throws the 503 refusal if a setting cannot be used (the log at start says which). */
    void requireUsable() {
        if (!problems.isEmpty()) {
            throw StepUpGuardException.unavailable("The step-up guard is not configured; the action was not carried out");
        }
    }

    /** The StepUp username of the caller of {@code request}, as {@code stepup.guard.user.source} says. */
    Optional<String> username(HttpServletRequest request) {
        if (userAttribute == null) {
            Principal principal = request.getUserPrincipal();
            return Optional.ofNullable(principal).map(Principal::getName).filter(name -> !name.isBlank());
        }
        HttpSession session = request.getSession(false);
        return Optional.ofNullable(session == null ? null : session.getAttribute(userAttribute))
                .map(Object::toString).filter(name -> !name.isBlank());
    }

    /** What cannot be used, one line each; empty when the guard can work. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    URI url() {
        return url;
    }

    String token() {
        return token;
    }

    String cookieName() {
        return cookieName;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    Duration passLifetime() {
        return passLifetime;
    }

    private Optional<String> value(String key) {
        try {
            return values.apply(key).map(String::trim).filter(value -> !value.isEmpty());
        } catch (RuntimeException e) {
            // e.g. an expression ${...} that nothing fills; the message names keys, not values
            problems.add(key + " cannot be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    private long positive(String key, long otherwise) {
        Optional<String> text = value(key);
        if (text.isEmpty()) {
            return otherwise;
        }
        try {
            long number = Long.parseLong(text.get());
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        problems.add(key + " must be a whole number of at least 1, not '" + text.get() + "'");
        return otherwise;
    }

    private URI baseUrl(String text) {
        try {
            URI parsed = URI.create(text.endsWith("/") ? text : text + "/");
            if (("http".equals(parsed.getScheme()) || "https".equals(parsed.getScheme())) && parsed.getHost() != null) {
                return parsed;
            }
        } catch (IllegalArgumentException e) {
            // said below
        }
        problems.add(URL + " must be StepUp's base URL, such as http://127.0.0.1:8080, not '" + text + "'");
        return null;
    }
}
