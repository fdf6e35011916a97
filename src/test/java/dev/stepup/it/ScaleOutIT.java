package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.it.guarded.PayoutsResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one PostgreSQL database, as a scale-out runs: codes, throttling,
 * completion IDs and configuration are shared state. And a key rotation, on a third instance.
 */
class ScaleOutIT {

    static Path directory;
    static Path war;
    static ServerProcess first;
    static ServerProcess second;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        directory = Files.createTempDirectory("stepup-scale-out");
        war = directory.resolve("stepup-with-payouts.war");
        Deployments.war().addPackage(PayoutsResource.class.getPackage()).as(ZipExporter.class).exportTo(war.toFile(), true);
        first = ServerProcess.start("scale-out-a", environment("a", TestDatabase.SECRET_KEY, null), dir("a"), ServerProcess.freePort(), war);
        // The second instance stands behind a TLS-terminating proxy it trusts.
        Map<String, String> behindProxy = environment("b", TestDatabase.SECRET_KEY, null);
        behindProxy.put("STEPUP_TRUST_FORWARDED_PROTO", "true");
        second = ServerProcess.start("scale-out-b", behindProxy, dir("b"), ServerProcess.freePort(), war);
        first.awaitReady(Duration.ofSeconds(240));
        second.awaitReady(Duration.ofSeconds(240));
    }

    @AfterAll
    static void stop() {
        for (ServerProcess server : new ServerProcess[] {first, second}) {
            if (server != null) {
                server.close();
            }
        }
        if (directory != null) {
            ServerProcess.deleteTree(directory);
        }
    }

    @Test
    void theSameCodeSentToBothInstancesAtOnceSucceedsOnce() throws Exception {
        Enrolled user = Enrolled.create(new Users(first.api()), first.api());
        String code = user.nextCode();
        Api onFirst = first.api().token(user.identity().token());
        Api onSecond = second.api().token(user.identity().token());
        List<Callable<Api.Reply>> clients = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Api target = i % 2 == 0 ? onFirst : onSecond;
            clients.add(() -> target.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + code + "\"}"));
        }
        int success = 0;
        for (Api.Reply answer : AtOnce.all(clients)) {
            assertThat(answer.status()).as(answer.toString()).isIn(200, 429);
            if (answer.status() == 429) {
                // Lost its race eight times in a row: told to retry, never let through.
                assertThat(answer.errorCode()).isEqualTo("MFA-0005");
            } else if (answer.json().getString("result").equals("SUCCESS")) {
                success++;
            }
        }
        assertThat(success).isEqualTo(1);
    }

    @Test
    void cookiesAreSecureWhenATrustedProxySaysHttps() {
        String password = "proxy password " + System.nanoTime();
        Enrolled user = Enrolled.of(new Users(first.api()).createWithPassword(password), first.api());
        String signIn = "{\"username\":\"" + user.identity().username() + "\",\"password\":\"" + password + "\"}";
        Api viaProxy = second.api().header("X-Forwarded-Proto", "https");

        assertThat(viaProxy.token(user.identity().token())
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}").header("Set-Cookie"))
                .startsWith("STEPUP_COMPLETION=").contains("; HttpOnly").endsWith("; Secure");
        assertThat(viaProxy.post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("STEPUP_SESSION=").endsWith("; Secure");
        // Plain http to the same instance, and the header sent to an instance that trusts no proxy.
        assertThat(second.api().post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("STEPUP_SESSION=").doesNotContain("Secure");
        assertThat(first.api().header("X-Forwarded-Proto", "https").post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("STEPUP_SESSION=").doesNotContain("Secure");
    }

    @Test
    void throttlingCountsFailuresOnEveryInstance() {
        Enrolled user = Enrolled.create(new Users(first.api()), first.api());
        for (int i = 0; i < 5; i++) {
            ServerProcess server = i % 2 == 0 ? first : second;
            Api.Reply reply = server.api().token(user.identity().token()).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp().wrongCode() + "\"}");
            assertThat(reply.json().getString("result")).isEqualTo("FAILED");
        }
        Api.Reply throttled = second.api().token(user.identity().token()).post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp().wrongCode() + "\"}");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo("MFA-0005");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isEqualTo(1L);
    }

    @Test
    void aCompletionUsedOnOneInstanceIsRefusedOnTheOther() {
        Enrolled user = Enrolled.create(new Users(first.api()), first.api());
        Api.Reply stepUp = user.stepUp();
        assertThat(stepUp.json().getString("result")).isEqualTo("SUCCESS");
        String cookie = stepUp.header("Set-Cookie");
        String completion = "STEPUP_COMPLETION=" + cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        Api.Reply onSecond = second.api().token(user.identity().token()).header("Cookie", completion).post("/api/payouts/always", null);
        assertThat(onSecond.status()).as(onSecond.toString()).isEqualTo(200);
        Api.Reply againOnFirst = first.api().token(user.identity().token()).header("Cookie", completion).post("/api/payouts/always", null);
        assertThat(againOnFirst.status()).isEqualTo(403);
        assertThat(againOnFirst.errorCode()).isEqualTo("PE-0028");
        // The validation window is shared as well.
        assertThat(second.api().token(user.identity().token()).post("/api/payouts/recent", null).status()).isEqualTo(200);
    }

    @Test
    void aConfigurationChangeOnOneInstanceIsInForceOnTheOtherWithinASecond() {
        Api adminFirst = first.api().token(TestDatabase.ADMIN_TOKEN);
        Api adminSecond = second.api().token(TestDatabase.ADMIN_TOKEN);
        Enrolled user = Enrolled.create(new Users(first.api()), first.api());
        adminSecond.get("/api/step-up/configuration"); // fill the second instance's cache first
        try {
            Api.Reply changed = adminFirst.post("/api/step-up/configuration",
                    "{\"validationWindow\":45,\"completedCookieMaxAge\":9,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}");
            assertThat(changed.status()).isEqualTo(200);
            Enrolled.sleep(1_000);
            assertThat(adminSecond.get("/api/step-up/configuration").json()).isEqualTo(changed.json());
            Api.Reply stepUp = second.api().token(user.identity().token())
                    .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
            assertThat(stepUp.header("Set-Cookie")).contains("; Max-Age=9");
        } finally {
            adminFirst.post("/api/step-up/configuration",
                    "{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}");
        }
    }

    @Test
    void afterAKeyRotationOldSecretsVerifyAndMoveToTheNewKey() throws Exception {
        Enrolled user = Enrolled.create(new Users(first.api()), first.api());
        String before = keyId(user);
        byte[] fresh = new byte[32];
        new java.security.SecureRandom().nextBytes(fresh);
        String newKey = Base64.getEncoder().encodeToString(fresh);
        try (ServerProcess rotated = ServerProcess.start("scale-out-rotated", environment("c", newKey, TestDatabase.SECRET_KEY),
                dir("c"), ServerProcess.freePort(), war).awaitReady(Duration.ofSeconds(240))) {
            Api.Reply stepUp = rotated.api().token(user.identity().token())
                    .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
            assertThat(stepUp.json().getString("result")).as(stepUp.toString()).isEqualTo("SUCCESS");
            String after = keyId(user);
            assertThat(after).isNotEqualTo(before);
            // Under the new key now, and it still verifies on the rotated instance.
            Api.Reply again = rotated.api().token(user.identity().token())
                    .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
            assertThat(again.json().getString("result")).isEqualTo("SUCCESS");
            assertThat(keyId(user)).isEqualTo(after);
            // Its start told how many secrets still waited under the previous key.
            assertThat(Files.readString(rotated.log())).containsPattern("Stored secrets: \\d+ under the current key"
                    + " \\(id " + after + "\\), [1-9]\\d* still under STEPUP_SECRET_KEY_PREVIOUS");
        }
    }

    private static String keyId(Enrolled user) throws Exception {
        try (Connection db = TestDatabase.connect();
             PreparedStatement query = db.prepareStatement("select key_id from registration where identity_id = ?")) {
            query.setString(1, user.identity().userId());
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static Path dir(String name) throws java.io.IOException {
        return Files.createDirectories(directory.resolve(name));
    }

    private static Map<String, String> environment(String name, String key, String previousKey) {
        try {
            Map<String, String> environment = new HashMap<>();
            environment.put("STEPUP_DB_URL", TestDatabase.url());
            environment.put("STEPUP_DB_USER", "postgres");
            environment.put("STEPUP_DB_PASSWORD", "unused");
            environment.put("STEPUP_BOOTSTRAP_ADMIN_TOKEN", TestDatabase.ADMIN_TOKEN);
            environment.put("STEPUP_SECRET_KEY", key);
            if (previousKey != null) {
                environment.put("STEPUP_SECRET_KEY_PREVIOUS", previousKey);
            }
            return environment;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("No test database for instance " + name, e);
        }
    }
}
