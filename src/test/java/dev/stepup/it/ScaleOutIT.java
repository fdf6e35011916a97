package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two server instances on one PostgreSQL database, as a scale-out runs: codes, throttling,
 * completion IDs and configuration are shared state. And a key rotation, on a third instance.
 * The instances and their database are this class's own, so it runs beside the classes of
 * the shared server (see the failsafe configuration in the POM), its tests one after another.
 */
class ScaleOutIT {

    static final Duration READY = Duration.ofSeconds(300);

    static Database database;
    static Path directory;
    static ServerProcess first;
    static ServerProcess second;
    static ServerProcess rotated;
    /** Enrolled under the instances' key before the rotated instance starts with a new one. */
    static Enrolled underTheOldKey;
    static String keyIdBefore;

    @BeforeAll
    static void startThreeInstances() throws Exception {
        database = Database.create();
        directory = Files.createTempDirectory("stepup-scale-out");
        Path war = directory.resolve("stepup-with-fixtures.war");
        Deployments.withFixtures().as(ZipExporter.class).exportTo(war.toFile(), true);
        first = ServerProcess.start("scale-out-a", environment(TestDatabase.SECRET_KEY, null), dir("a"), Ports.free(), war);
        // The second instance stands behind a TLS-terminating proxy it trusts.
        Map<String, String> behindProxy = environment(TestDatabase.SECRET_KEY, null);
        behindProxy.put("STEPUP_TRUST_FORWARDED_PROTO", "true");
        behindProxy.put("STEPUP_TRUST_FORWARDED_FOR", "true");
        second = ServerProcess.start("scale-out-b", behindProxy, dir("b"), Ports.free(), war);
        first.awaitReady(READY);
        underTheOldKey = Enrolled.create(users());
        keyIdBefore = RegistrationRows.in(database).keyId(underTheOldKey.userId());
        // A rotation: a new key, the instances' key as the previous one.
        byte[] fresh = new byte[32];
        new java.security.SecureRandom().nextBytes(fresh);
        rotated = ServerProcess.start("scale-out-rotated", environment(Base64.getEncoder().encodeToString(fresh), TestDatabase.SECRET_KEY),
                dir("c"), Ports.free(), war);
        second.awaitReady(READY);
        rotated.awaitReady(READY);
    }

    @AfterAll
    static void stop() {
        ServerProcess.stopAll(first, second, rotated);
        ServerProcess.deleteTree(directory);
    }

    static Users users() {
        return new Users(first.api(), database);
    }

    @Test
    void theSameCodeSentToBothInstancesAtOnceSucceedsOnce() throws Exception {
        Enrolled user = Enrolled.create(users());
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
                // Lost its race eight times in a row, or throttled after five failures: never let through.
                assertThat(answer.errorCode()).isEqualTo("MFA-0005");
            } else if (answer.json().getString("result").equals("SUCCESS")) {
                success++;
            } else {
                assertThat(answer.json().getString("result")).isEqualTo("FAILED");
            }
        }
        assertThat(success).isEqualTo(1);
    }

    @Test
    void cookiesAreSecureWhenATrustedProxySaysHttps() {
        String password = "proxy password " + System.nanoTime();
        Users users = users();
        Enrolled user = Enrolled.of(users, users.createWithPassword(password));
        String signIn = "{\"username\":\"" + user.identity().username() + "\",\"password\":\"" + password + "\"}";
        Api viaProxy = second.api().header("X-Forwarded-Proto", "https");

        assertThat(viaProxy.token(user.identity().token())
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}").header("Set-Cookie"))
                .startsWith("STEPUP_COMPLETION=").contains("; HttpOnly").endsWith("; Secure");
        assertThat(viaProxy.post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("__Host-STEPUP_SESSION=").endsWith("; Secure");
        // Plain http to the same instance, and the header sent to an instance that trusts no proxy.
        assertThat(second.api().post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("STEPUP_SESSION=").doesNotContain("Secure");
        assertThat(first.api().header("X-Forwarded-Proto", "https").post("/api/session", signIn).header("Set-Cookie"))
                .startsWith("STEPUP_SESSION=").doesNotContain("Secure");
    }

    /**
     * Codes checked together in one batch (CodeBatches) each keep their own client's address in
     * the audit trail, not that of the request whose thread checked them.
     */
    @Test
    void codesCheckedTogetherAreAuditedWithTheirOwnClientsAddresses() throws Exception {
        Users users = users();
        List<Enrolled> enrolled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            enrolled.add(Enrolled.create(users));
        }
        ExecutorService clients = Executors.newFixedThreadPool(enrolled.size());
        List<Future<Api.Reply>> replies = new ArrayList<>();
        try (Connection db = database.connect(); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            // The first batch, with the first code, waits for this lock while the others arrive.
            sql.execute("lock table code_failure in share mode");
            for (int i = 0; i < enrolled.size(); i++) {
                Api viaProxy = second.api().header("X-Forwarded-For", client(i)).token(enrolled.get(i).identity().token());
                String wrong = "{\"otp\":\"" + enrolled.get(i).totp().wrongCode() + "\"}";
                replies.add(clients.submit(() -> viaProxy.post("/api/step-up/authenticate/TOTP", wrong)));
                if (i == 0) {
                    database.awaitLockWait("merge into code_failure");
                }
            }
            Thread.sleep(1_500);
            db.commit();
            for (Future<Api.Reply> reply : replies) {
                Api.Reply answer = reply.get(30, TimeUnit.SECONDS);
                assertThat(answer.json().getString("result")).as(answer.toString()).isEqualTo("FAILED");
            }
        } finally {
            clients.shutdownNow();
        }
        for (int i = 0; i < enrolled.size(); i++) {
            Api.Reply audit = users.admin().get("/api/audit?userId=" + enrolled.get(i).userId() + "&type=STEP_UP");
            List<JsonObject> lines = audit.json().getJsonArray("data").getValuesAs(JsonObject.class);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0).getString("sourceIp")).as("the audit line of client %d", i).isEqualTo(client(i));
        }
    }

    /**
     * A code whose user's lock another transaction holds (another instance checking a code of
     * theirs) is not decided by a batch that tried the lock and did not get it: it waits, and
     * is refused for a second as busy (not used), so the same code is accepted once the lock is
     * free. The lock is CodeUses' advisory lock: its kind, then the user id's Java hash.
     */
    @Test
    void aCodeWhoseUsersLockIsHeldElsewhereIsNotDecidedByABatch() throws Exception {
        Enrolled user = Enrolled.create(users());
        String code = user.nextCode();
        Api api = first.api().token(user.identity().token());
        String body = "{\"otp\":\"" + code + "\"}";
        try (Connection db = database.connect(); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            sql.execute("select pg_advisory_xact_lock(" + 0x53554331 + ", " + user.userId().hashCode() + ")");
            Api.Reply whileHeld = api.post("/api/step-up/authenticate/TOTP", body);
            assertThat(whileHeld.status()).as(whileHeld.toString()).isEqualTo(429);
            assertThat(whileHeld.errorCode()).isEqualTo("MFA-0005");
            db.commit();
        }
        Api.Reply afterwards = api.post("/api/step-up/authenticate/TOTP", body);
        assertThat(afterwards.status()).as(afterwards.toString()).isEqualTo(200);
        assertThat(afterwards.json().getString("result")).as(afterwards.toString()).isEqualTo("SUCCESS");
    }

    private static String client(int i) {
        return "198.51.100." + (i + 1);
    }

    @Test
    void throttlingCountsFailuresOnEveryInstance() {
        Enrolled user = Enrolled.create(users());
        for (int i = 0; i < 5; i++) {
            ServerProcess server = i % 2 == 0 ? first : second;
            Api.Reply reply = server.api().token(user.identity().token())
                    .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp().wrongCode() + "\"}");
            assertThat(reply.json().getString("result")).as(reply.toString()).isEqualTo("FAILED");
        }
        Api.Reply throttled = second.api().token(user.identity().token())
                .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp().wrongCode() + "\"}");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo("MFA-0005");
        assertThat(Long.parseLong(throttled.header("Retry-After"))).isEqualTo(1L);
    }

    @Test
    void aCompletionUsedOnOneInstanceIsRefusedOnTheOther() {
        Enrolled user = Enrolled.create(users());
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
    void twoApplicationsOnTwoInstancesRacingForOneCompletionConsumeItOnce() throws Exception {
        Users users = users();
        Enrolled user = Enrolled.create(users);
        String verifier = users.service("StepUpVerifier");
        String completion = ApplicationsIT.completionOf(user.stepUp());
        String body = ApplicationsIT.consume(completion, "userId", user.userId());
        List<Callable<Api.Reply>> applications = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Api target = (i % 2 == 0 ? first : second).api().token(verifier);
            applications.add(() -> target.post(ApplicationsIT.CONSUME, body));
        }
        List<Api.Reply> answers = AtOnce.all(applications);
        assertThat(answers).filteredOn(answer -> answer.status() == 200).hasSize(1);
        assertThat(answers).filteredOn(answer -> answer.status() == 403 && "PE-0028".equals(answer.errorCode())).hasSize(11);
    }

    @Test
    void aConfigurationChangeOnOneInstanceIsInForceOnTheOtherWithinASecond() {
        Api adminSecond = second.api().token(TestDatabase.ADMIN_TOKEN);
        Enrolled user = Enrolled.create(users());
        adminSecond.get("/api/step-up/configuration"); // fill the second instance's cache first
        try (var changed = TenantConfiguration.change(first.api().token(TestDatabase.ADMIN_TOKEN),
                "{\"validationWindow\":45,\"completedCookieMaxAge\":9,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}")) {
            // A second, and the time of the requests that look.
            Waits.until(Duration.ofMillis(1500), "the change on the second instance",
                    () -> adminSecond.get("/api/step-up/configuration").json(), seen -> seen.equals(changed.answer().json()));
            Api.Reply stepUp = second.api().token(user.identity().token())
                    .post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
            assertThat(stepUp.header("Set-Cookie")).contains("; Max-Age=9");
        }
    }

    @Test
    void afterAKeyRotationOldSecretsVerifyAndMoveToTheNewKey() throws Exception {
        Enrolled user = underTheOldKey;
        Api onRotated = rotated.api().token(user.identity().token());
        Api.Reply stepUp = onRotated.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(stepUp.json().getString("result")).as(stepUp.toString()).isEqualTo("SUCCESS");
        String after = RegistrationRows.in(database).keyId(user.userId());
        assertThat(after).isNotEqualTo(keyIdBefore);
        // Under the new key now, and it still verifies on the rotated instance.
        Api.Reply again = onRotated.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.nextCode() + "\"}");
        assertThat(again.json().getString("result")).as(again.toString()).isEqualTo("SUCCESS");
        assertThat(RegistrationRows.in(database).keyId(user.userId())).isEqualTo(after);
        // Its start told how many secrets still waited under the previous key: this user's at least.
        assertThat(Files.readString(rotated.log())).containsPattern("Stored secrets: \\d+ under the current key"
                + " \\(id " + after + "\\), [1-9]\\d* still under STEPUP_SECRET_KEY_PREVIOUS");
    }

    private static Path dir(String name) throws java.io.IOException {
        return Files.createDirectories(directory.resolve(name));
    }

    private static Map<String, String> environment(String key, String previousKey) {
        Map<String, String> environment = new HashMap<>();
        environment.put("STEPUP_DB_URL", database.url());
        environment.put("STEPUP_DB_USER", "postgres");
        environment.put("STEPUP_DB_PASSWORD", "unused");
        environment.put("STEPUP_BOOTSTRAP_ADMIN_TOKEN", TestDatabase.ADMIN_TOKEN);
        environment.put("STEPUP_SECRET_KEY", key);
        if (previousKey != null) {
            environment.put("STEPUP_SECRET_KEY_PREVIOUS", previousKey);
        }
        return environment;
    }
}
