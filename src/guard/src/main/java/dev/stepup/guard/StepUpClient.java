package dev.stepup.guard;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * StepUp's two endpoints for applications beside it, called with the {@code StepUpVerifier}
 * token: {@code POST /api/step-up/completions/consume} and {@code POST /api/step-up/verify/TOTP}.
 * <p>
 * Neither is idempotent (a completion is used up, a code uses up its time step and a failure
 * counts toward the throttle), so a request that may have reached StepUp is never sent again:
 * the one retry is for a connection that could not be opened at all. Any other failure, a
 * timeout, or an answer the contract does not have throws the {@code 503} refusal: the guard
 * fails closed. Tokens, codes and completion IDs never reach the log.
 */
@ApplicationScoped
class StepUpClient {

    private static final Logger LOG = Logger.getLogger(StepUpClient.class.getName());

    /** What StepUp said to a code (way 2). */
    sealed interface Verdict {
    }

    record Accepted(Instant validUntil) implements Verdict {
    }

    /** Wrong, or used already. */
    record Wrong() implements Verdict {
    }

    record Throttled(long retryAfterSeconds) implements Verdict {
    }

    /** Not 6 to 8 digits (not counted as a failure). */
    record Malformed() implements Verdict {
    }

    record NotEnrolled() implements Verdict {
    }

    record UnknownUser() implements Verdict {
    }

    private record Answer(int status, JsonObject body, HttpResponse<String> response) {

        String string(String name) {
            return body != null && body.get(name) instanceof jakarta.json.JsonString text ? text.getString() : null;
        }

        boolean is(int expectedStatus, String errorCode) {
            return status == expectedStatus && errorCode.equals(string("errorCode"));
        }
    }

    @Inject
    GuardSettings settings;

    private HttpClient http;

    @PostConstruct
    void start() {
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Uses up the completion {@code completionId} of {@code username} (way 1): the end of the
     * validation window it opened, or empty where StepUp says {@code 403 PE-0028} (unknown,
     * used, expired, another user's, or an unknown user).
     */
    Optional<Instant> consume(String username, String completionId) {
        Answer answer = post("api/step-up/completions/consume", Json.createObjectBuilder()
                .add("completionId", completionId).add("username", username).build());
        if (answer.status() == 200) {
            return Optional.of(instant(answer, "validUntil"));
        }
        if (answer.is(403, "PE-0028")) {
            return Optional.empty();
        }
        throw unexpected(answer);
    }

    /** Checks a code {@code username} typed into the application's own page (way 2). */
    Verdict verify(String username, String otp) {
        Answer answer = post("api/step-up/verify/TOTP", Json.createObjectBuilder()
                .add("username", username).add("otp", otp).build());
        if (answer.status() == 200 && "SUCCESS".equals(answer.string("result"))) {
            return new Accepted(instant(answer, "validUntil"));
        }
        if (answer.status() == 200 && "FAILED".equals(answer.string("result"))) {
            return new Wrong();
        }
        if (answer.is(429, "MFA-0005")) {
            return new Throttled(retryAfter(answer));
        }
        if (answer.is(400, "MFA-0004")) {
            return new Malformed();
        }
        if (answer.is(409, "MFA-0003")) {
            return new NotEnrolled();
        }
        if (answer.is(404, "U-0001")) {
            return new UnknownUser();
        }
        throw unexpected(answer);
    }

    private Answer post(String path, JsonObject body) {
        settings.requireUsable();
        HttpRequest request = HttpRequest.newBuilder(settings.url().resolve(path))
                .timeout(settings.requestTimeout())
                .header("Authorization", "TOKEN " + settings.token())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Answer(response.statusCode(), json(response.body()), response);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // Nothing was sent: one more try can do no harm.
                if (attempt == 2) {
                    throw unreachable(path, e);
                }
            } catch (HttpTimeoutException e) {
                LOG.warning("StepUp did not answer " + path + " within " + settings.requestTimeout().toMillis()
                        + " ms (" + GuardSettings.REQUEST_TIMEOUT + "); the guarded action is refused");
                throw StepUpGuardException.unavailable("StepUp did not answer in time; the action was not carried out");
            } catch (IOException e) {
                throw unreachable(path, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable(path, e);
            }
        }
    }

    private StepUpGuardException unreachable(String path, Exception e) {
        LOG.log(Level.WARNING, "StepUp could not be asked (" + settings.url().resolve(path) + "): " + e
                + "; the guarded action is refused");
        return StepUpGuardException.unavailable("StepUp cannot be reached; the action was not carried out");
    }

    private StepUpGuardException unexpected(Answer answer) {
        String code = answer.string("errorCode");
        String hint = answer.status() == 401 ? ": " + GuardSettings.TOKEN + " is not a valid API token"
                : answer.status() == 403 ? ": the identity of " + GuardSettings.TOKEN + " lacks the role StepUpVerifier"
                : "";
        LOG.warning("StepUp answered " + answer.response().uri().getPath() + " with " + answer.status()
                + (code == null ? "" : " " + code) + hint + "; the guarded action is refused");
        return StepUpGuardException.unavailable("StepUp gave an unexpected answer; the action was not carried out");
    }

    private Instant instant(Answer answer, String name) {
        String text = answer.string(name);
        if (text != null) {
            try {
                return Instant.parse(text);
            } catch (DateTimeException e) {
                // said below
            }
        }
        throw unexpected(answer);
    }

    private static long retryAfter(Answer answer) {
        try {
            return Math.max(1, Long.parseLong(answer.response().headers().firstValue("Retry-After").orElse("1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static JsonObject json(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return null;
        }
    }
}
