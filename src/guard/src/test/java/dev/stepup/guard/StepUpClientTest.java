package dev.stepup.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guard's calls to StepUp against a stand-in for StepUp (the JDK's HTTP server): what each
 * answer of the contract means, and that everything else, a slow StepUp and a StepUp that is
 * down included, refuses the action with {@code 503} instead of letting it through.
 */
class StepUpClientTest {

    private static final String TOKEN = "stp_verifier-token-for-the-test";

    private HttpServer stepUp;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    record Recorded(String path, String authorization, String body) {
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (stepUp != null) {
            stepUp.stop(0);
            stepUp = null;
        }
    }

    @Test
    @DisplayName("consume: 200 gives StepUp's validUntil; the request carries the token, the completion and the username")
    void consumedCompletionGivesValidUntil() {
        StepUpClient client = clientOf(answering(200, "{\"userId\":\"u\",\"username\":\"ada\",\"factor\":\"TOTP\","
                + "\"verifiedAt\":\"2026-12-05T10:00:00Z\",\"validUntil\":\"2026-12-05T10:30:00Z\"}"));

        assertThat(client.consume("ada", "c0mpletion")).contains(Instant.parse("2026-12-05T10:30:00Z"));
        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/step-up/completions/consume");
            assertThat(request.authorization()).isEqualTo("TOKEN " + TOKEN);
            assertThat(request.body()).isEqualTo("{\"completionId\":\"c0mpletion\",\"username\":\"ada\"}");
        });
    }

    @Test
    void refusedCompletionIsNoStepUp() {
        StepUpClient client = clientOf(answering(403,
                "{\"message\":\"Step up authentication required\",\"errorCode\":\"PE-0028\",\"details\":null}"));

        assertThat(client.consume("ada", "used")).isEmpty();
    }

    @Test
    @DisplayName("Answers outside the contract refuse the action (503): a bad token, a server error, no JSON, no validUntil")
    void unexpectedAnswersFailClosed() {
        for (var answer : List.of(
                Map.entry(401, "{\"message\":\"Not authenticated\",\"errorCode\":\"AU-0000\"}"),
                Map.entry(403, "{\"message\":\"Forbidden\",\"errorCode\":\"AU-0403\"}"),
                Map.entry(500, "{\"message\":\"Internal error\",\"errorCode\":\"SRV-0500\"}"),
                Map.entry(200, "<html>a proxy's page</html>"),
                Map.entry(200, "{\"userId\":\"u\"}"))) {
            StepUpClient client = clientOf(answering(answer.getKey(), answer.getValue()));
            assertThatThrownBy(() -> client.consume("ada", "c"))
                    .as(answer.toString())
                    .isInstanceOfSatisfying(StepUpGuardException.class, refusal -> {
                        assertThat(refusal.status()).isEqualTo(503);
                        assertThat(refusal.errorCode()).isEqualTo("SRV-0503");
                        assertThat(refusal.getMessage()).isEqualTo("StepUp gave an unexpected answer; the action was not carried out");
                    });
            stop();
        }
    }

    @Test
    void verifyMapsEachAnswerOfTheContract() {
        assertThat(clientOf(answering(200, "{\"result\":\"SUCCESS\",\"userId\":\"u\",\"validUntil\":\"2026-12-05T10:30:00Z\"}"))
                .verify("ada", "123456")).isEqualTo(new StepUpClient.Accepted(Instant.parse("2026-12-05T10:30:00Z")));
        assertThat(requests).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/api/step-up/verify/TOTP");
            assertThat(request.body()).isEqualTo("{\"username\":\"ada\",\"otp\":\"123456\"}");
        });
        stop();
        assertThat(clientOf(answering(200, "{\"result\":\"FAILED\",\"userId\":\"u\"}")).verify("ada", "123456"))
                .isEqualTo(new StepUpClient.Wrong());
        stop();
        assertThat(clientOf(exchange -> reply(exchange, 429, "{\"errorCode\":\"MFA-0005\"}", Map.of("Retry-After", "16")))
                .verify("ada", "123456")).isEqualTo(new StepUpClient.Throttled(16));
        stop();
        assertThat(clientOf(answering(400, "{\"errorCode\":\"MFA-0004\"}")).verify("ada", "12")).isEqualTo(new StepUpClient.Malformed());
        stop();
        assertThat(clientOf(answering(409, "{\"errorCode\":\"MFA-0003\"}")).verify("ada", "123456")).isEqualTo(new StepUpClient.NotEnrolled());
        stop();
        assertThat(clientOf(answering(404, "{\"errorCode\":\"U-0001\"}")).verify("nobody", "123456")).isEqualTo(new StepUpClient.UnknownUser());
    }

    @Test
    @DisplayName("A StepUp slower than stepup.guard.request.timeout.millis refuses the action, and is not asked twice")
    void slowStepUpFailsClosedAfterTheRequestTimeout() {
        StepUpClient client = clientOf(exchange -> {
            awaitRelease();
            reply(exchange, 200, "{}", Map.of());
        }, Map.of(GuardSettings.REQUEST_TIMEOUT, "300"));

        long started = System.nanoTime();
        assertThatThrownBy(() -> client.consume("ada", "c"))
                .isInstanceOfSatisfying(StepUpGuardException.class, refusal -> {
                    assertThat(refusal.status()).isEqualTo(503);
                    assertThat(refusal.getMessage()).isEqualTo("StepUp did not answer in time; the action was not carried out");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(requests).hasSize(1);
    }

    @Test
    @DisplayName("A StepUp nobody listens for refuses the action (503) after one more try to connect")
    void unreachableStepUpFailsClosed() {
        int closedPort = freePort();
        GuardSettings settings = settings(Map.of(GuardSettings.URL, "http://127.0.0.1:" + closedPort,
                GuardSettings.CONNECT_TIMEOUT, "500"));
        StepUpClient client = client(settings);

        assertThatThrownBy(() -> client.verify("ada", "123456"))
                .isInstanceOfSatisfying(StepUpGuardException.class, refusal -> {
                    assertThat(refusal.status()).isEqualTo(503);
                    assertThat(refusal.getMessage()).isEqualTo("StepUp cannot be reached; the action was not carried out");
                });
    }

    @Test
    @DisplayName("Without a token the guard asks nobody and refuses every action; the problem names the setting")
    void missingTokenRefusesEverything() {
        Map<String, String> values = new HashMap<>(Map.of(GuardSettings.URL, "http://127.0.0.1:1"));
        GuardSettings settings = new GuardSettings();
        settings.read(key -> Optional.ofNullable(values.get(key)));

        assertThat(settings.problems()).singleElement().asString().startsWith("stepup.guard.token (STEPUP_GUARD_TOKEN) is not set");
        assertThatThrownBy(settings::requireUsable)
                .isInstanceOfSatisfying(StepUpGuardException.class, refusal -> assertThat(refusal.status()).isEqualTo(503));
    }

    @Test
    void unreadableSettingsAreNamed() {
        GuardSettings settings = settings(Map.of(GuardSettings.REQUEST_TIMEOUT, "5s", GuardSettings.URL, "127.0.0.1:8080",
                GuardSettings.USER_SOURCE, "header"));

        assertThat(settings.problems()).containsExactly(
                "stepup.guard.url must be StepUp's base URL, such as http://127.0.0.1:8080, not '127.0.0.1:8080'",
                "stepup.guard.request.timeout.millis must be a whole number of at least 1, not '5s'",
                "stepup.guard.user.source must be principal or session-attribute, not 'header'");
    }

    @Test
    void defaultsNeedOnlyTheToken() {
        GuardSettings settings = settings(Map.of());

        assertThat(settings.problems()).isEmpty();
        assertThat(settings.url()).hasToString("http://127.0.0.1:8080/");
        assertThat(settings.cookieName()).isEqualTo("STEPUP_COMPLETION");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.passLifetime()).isEqualTo(Duration.ofSeconds(60));
    }

    // ---------------------------------------------------------------- helpers

    private StepUpClient clientOf(Consumer<HttpExchange> handler) {
        return clientOf(handler, Map.of());
    }

    private StepUpClient clientOf(Consumer<HttpExchange> handler, Map<String, String> more) {
        try {
            stepUp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        requests.clear();
        stepUp.createContext("/", exchange -> {
            requests.add(new Recorded(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            handler.accept(exchange);
        });
        stepUp.setExecutor(Executors.newCachedThreadPool());
        stepUp.start();
        Map<String, String> values = new HashMap<>(more);
        values.put(GuardSettings.URL, "http://127.0.0.1:" + stepUp.getAddress().getPort());
        return client(settings(values));
    }

    private static GuardSettings settings(Map<String, String> given) {
        Map<String, String> values = new HashMap<>(given);
        values.putIfAbsent(GuardSettings.TOKEN, TOKEN);
        GuardSettings settings = new GuardSettings();
        settings.read(key -> Optional.ofNullable(values.get(key)));
        return settings;
    }

    private static StepUpClient client(GuardSettings settings) {
        StepUpClient client = new StepUpClient();
        client.settings = settings;
        client.start();
        return client;
    }

    private static Consumer<HttpExchange> answering(int status, String body) {
        return exchange -> reply(exchange, status, body, Map.of());
    }

    private static void reply(HttpExchange exchange, int status, String body, Map<String, String> headers) {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            headers.forEach(exchange.getResponseHeaders()::set);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (IOException e) {
            // the client gave up (the timeout test)
        }
    }

    /** Holds a request until the test ends: a StepUp that does not answer. */
    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
