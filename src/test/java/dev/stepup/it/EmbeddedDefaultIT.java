package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server as a user starts it, {@code java -jar payara-micro.jar --deploy stepup.war}, with
 * no database settings: the embedded H2 default in {@code ./stepup-data}, kept across restarts.
 * Not Arquillian: each test has servers of its own in a fresh working directory. The first
 * server of each test is started for both at once before they run, and the class runs beside
 * the classes of the shared server (see the failsafe configuration in the POM).
 */
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class EmbeddedDefaultIT {

    static final Duration READY = Duration.ofSeconds(300);

    static Path restartDir;
    static Path badSettingDir;
    /** The first start of {@link #theFirstStartMakesTheAdminAndARestartKeepsTheData}: no setting at all. */
    static ServerProcess firstStart;
    /** The server of {@link #aSettingThatIsNotANumberStopsTheStartAndIsNamed}. */
    static ServerProcess badSetting;

    @BeforeAll
    static void startTheFirstServerOfEachTest() throws IOException {
        restartDir = Files.createTempDirectory("stepup-embedded-restart-");
        badSettingDir = Files.createTempDirectory("stepup-embedded-bad-setting-");
        // With the full JIT: eight concurrent sign-ins wait for each other's password check on
        // the name's row, and H2 gives up a lock after a second of waiting (seen with C1 alone,
        // whose checks take 0.5 s: a guess answered 500).
        firstStart = ServerProcess.start("embedded-first", Map.of(), restartDir, Ports.free(), List.of("-Xmx512m"));
        // Payara's MicroProfile Config would quietly use the default for an injected number.
        badSetting = ServerProcess.start("embedded-bad-setting", Map.of("STEPUP_THROTTLE_THRESHOLD", "5O"), badSettingDir, Ports.free());
    }

    @AfterAll
    static void stopAndRemove() {
        ServerProcess.stopAll(firstStart, badSetting);
        for (Path dir : new Path[] {restartDir, badSettingDir}) {
            ServerProcess.deleteTree(dir);
        }
    }

    /**
     * A first start without a bootstrap token generates the admin's token and password, kept
     * for the owner only and logged once, and logs nothing as SEVERE; what it stored survives
     * a restart, and a bootstrap token given then makes no admin again.
     */
    @Test
    void theFirstStartMakesTheAdminAndARestartKeepsTheData() throws Exception {
        Path workDir = restartDir;
        String username = "kept-" + UUID.randomUUID();
        String successorName = "successor-" + UUID.randomUUID();
        String token;
        String userId;
        String successorToken;

        try (ServerProcess first = firstStart) {
            first.awaitReady(READY);
            Path file = workDir.resolve("stepup-data").resolve("admin-token");
            assertThat(file).isRegularFile();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
            assertThat(token).isNotEmpty().hasSizeLessThan(50).doesNotContainAnyWhitespaces();

            Api.Reply users = first.api().token(token).get("/api/users");
            assertThat(users.status()).as(users.toString()).isEqualTo(200);
            assertThat(users.json().getJsonArray("data").getValuesAs(jakarta.json.JsonObject.class))
                    .anySatisfy(user -> {
                        assertThat(user.getString("username")).isEqualTo("admin");
                        assertThat(user.getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("TenantAdmin");
                    });
            Api.Reply refused = first.api().token(token + "x").get("/api/users");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.errorCode()).isEqualTo("AU-0000");

            // The newcomer's way into the web UI: the generated password, kept beside the token.
            Path passwordFile = workDir.resolve("stepup-data").resolve("admin-password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(16).isNotEqualTo(token);
            Api.Reply signedIn = first.api().post("/api/session",
                    "{\"username\":\"admin\",\"password\":\"" + password + "\"}");
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            assertThat(signedIn.json().getJsonArray("roles").getString(0)).isEqualTo("TenantAdmin");
            assertThat(signedIn.header("Set-Cookie")).startsWith("STEPUP_SESSION=").contains("HttpOnly");
            first.api().post("/api/session", "{\"username\":\"admin\",\"password\":\"" + password + "x\"}")
                    .assertError(401, "AU-0000");
            // Concurrent guesses at a new name on H2: the name's throttle row is made once, and
            // every guess is answered, 401 or, from the threshold (5) on, 429 (the guesses are
            // counted one after another, so not all eight are checked); none fails.
            String nobody = "nobody-" + UUID.randomUUID();
            List<Callable<Api.Reply>> guesses = new ArrayList<>();
            for (int guess = 0; guess < 8; guess++) {
                guesses.add(() -> first.api().post("/api/session", "{\"username\":\"" + nobody + "\",\"password\":\"x\"}"));
            }
            int wrong = 0;
            for (Api.Reply reply : AtOnce.all(guesses)) {
                assertThat(reply.status()).as(reply.toString()).isIn(401, 429);
                assertThat(reply.errorCode()).isEqualTo(reply.status() == 401 ? "AU-0000" : "AU-0429");
                wrong += reply.status() == 401 ? 1 : 0;
            }
            assertThat(wrong).isBetween(5, 7);

            // The admin makes a second TenantAdmin; the two delete each other at the same
            // moment: one of them stays (H2 takes the row locks as PostgreSQL does).
            Api admin = first.api().token(token);
            Api.Reply deputy = admin.post("/api/users", """
                    {"type":"ServiceIdentity","name":"deputy-%s","status":"active",
                     "adminRoles":[{"name":"TenantAdmin"}]}""".formatted(UUID.randomUUID()));
            assertThat(deputy.status()).as(deputy.toString()).isEqualTo(200);
            Api deputyApi = first.api().token(admin.post("/api/users/" + deputy.string("userId") + "/tokens", null).string("token"));
            String adminId = admin.get("/api/me").string("userId");
            List<Api.Reply> each = AtOnce.all(List.of(
                    () -> admin.delete("/api/users/" + deputy.string("userId")),
                    () -> deputyApi.delete("/api/users/" + adminId)));
            assertThat(each).as("both deleted: no TenantAdmin left").filteredOn(reply -> reply.status() == 204).hasSize(1);
            assertThat(each).allSatisfy(reply -> assertThat(reply.status()).as(reply.toString()).isIn(204, 401, 409));
            Api survivor = each.get(0).status() == 204 ? admin : deputyApi;
            String survivorId = survivor.get("/api/me").string("userId");
            // The last TenantAdmin cannot delete itself either.
            survivor.delete("/api/users/" + survivorId).assertError(409, "U-0003");

            // The survivor hands over to a manager.
            Api.Reply created = survivor.post("/api/users", """
                    {"type":"User","username":"%s","email":"kept@example.com","status":"active",
                     "adminRoles":[{"name":"IdentityViewer"}]}""".formatted(username));
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            userId = created.string("userId");
            assertThat(userId).matches("[A-Za-z0-9]{20}");
            Api.Reply successor = survivor.post("/api/users", """
                    {"type":"User","username":"%s","status":"active",
                     "adminRoles":[{"name":"IdentityManager"}]}""".formatted(successorName));
            assertThat(successor.status()).as(successor.toString()).isEqualTo(200);
            successorToken = survivor.post("/api/users/" + successor.string("userId") + "/tokens", null).string("token");
            Api next = first.api().token(successorToken);
            // The successor starts an enrolment: H2's trigger counts it for the listing.
            assertThat(next.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").status()).isEqualTo(200);
            assertListsOnePendingEnrolment(next, successorName);

            // Kept in the owner-only files, so the log names the files only, as the contract says.
            first.stop();
            assertThat(first.isAlive()).isFalse();
            String log = Files.readString(first.log(), StandardCharsets.UTF_8);
            // A clean start: a newcomer reads any SEVERE line as a failure.
            assertThat(log.lines().filter(line -> line.contains("SEVERE")))
                    .as("SEVERE lines in %s", first.log()).isEmpty();
            assertThat(Pattern.compile(Pattern.quote(token)).matcher(log).results().count())
                    .as("times the generated token appears in %s", first.log())
                    .isZero();
            assertThat(Pattern.compile(Pattern.quote(password)).matcher(log).results().count())
                    .as("times the generated password appears in %s", first.log())
                    .isZero();
            assertThat(log).contains(file.toString()).contains(passwordFile.toString());
        }

        Path data = workDir.resolve("stepup-data");
        assertThat(data).isDirectory();
        assertThat(data.resolve("stepup.mv.db")).as("H2 database file in %s", data).isRegularFile();
        assertThat(data.resolve("stepup.mv.db").toFile().length()).isPositive();
        // No TenantAdmin is left only where an operator took the role away with SQL, as here
        // while the server is down.
        try (java.sql.Connection h2 = new org.h2.Driver().connect("jdbc:h2:file:" + data.resolve("stepup"),
                credentials("stepup", "stepup"));
             java.sql.Statement sql = h2.createStatement()) {
            assertThat(sql.executeUpdate("delete from identity_role where role = 'TenantAdmin'")).isEqualTo(1);
        }

        String bootstrapToken = "emb-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        try (ServerProcess second = ServerProcess.start("embedded-second", Map.of("STEPUP_BOOTSTRAP_ADMIN_TOKEN", bootstrapToken),
                workDir, Ports.free())) {
            second.awaitReady(READY);
            Api next = second.api().token(successorToken);
            Api.Reply read = next.get("/api/users/" + userId);
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
            assertThat(read.string("userId")).isEqualTo(userId);
            assertThat(read.string("username")).isEqualTo(username);
            assertThat(read.json().getJsonArray("adminRoles").getJsonObject(0).getString("name")).isEqualTo("IdentityViewer");

            assertListsOnePendingEnrolment(next, successorName);

            // The bootstrap runs on a new database only: the deleted admin is not made again,
            // though no TenantAdmin is left and this start has a bootstrap token.
            Api.Reply all = next.get("/api/users?size=1000");
            assertThat(all.status()).as(all.toString()).isEqualTo(200);
            // Nobody holds TenantAdmin (the bootstrap admin, if it won the race, kept no role), and
            // the three users of the first start are all there are.
            assertThat(all.json().getJsonArray("data").getValuesAs(jakarta.json.JsonObject.class))
                    .hasSize(3)
                    .noneMatch(user -> user.getJsonArray("adminRoles").toString().contains("TenantAdmin"));
            second.api().token(bootstrapToken).get("/api/users").assertError(401, "AU-0000");
            // The bootstrap admin's token: gone with it, or, if it survived the race, without the role.
            assertThat(second.api().token(token).get("/api/users").errorCode()).isIn("AU-0000", "AU-0403");
            second.stop();
            assertThat(Files.readString(second.log(), StandardCharsets.UTF_8))
                    .contains("the bootstrap admin 'admin' is not created again");
        }
    }

    private static java.util.Properties credentials(String user, String password) {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return properties;
    }

    private static void assertListsOnePendingEnrolment(Api admin, String username) {
        Api.Reply listed = admin.get("/api/mfa/admin/registrations/TOTP?status=CHALLENGE");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.json().getJsonNumber("count").longValue()).isEqualTo(1);
        assertThat(listed.json().getJsonArray("data").getJsonObject(0).getString("username")).isEqualTo(username);
        assertThat(admin.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED").json().getJsonNumber("count").longValue())
                .isZero();
    }

    @Test
    void aSettingThatIsNotANumberStopsTheStartAndIsNamed() {
        try (ServerProcess server = badSetting) {
            String refusal = "STEPUP_THROTTLE_THRESHOLD (stepup.throttle.threshold) must be a whole number from 1 to"
                    + " 2147483647, not '5O'";
            // Payara Micro itself comes up ("ready in"), without the application.
            String log = Waits.until(READY, "Payara Micro to be ready", () -> server.tail(100_000), text -> text.contains(" ready in "));
            assertThat(log).as("log %s", server.log()).contains(refusal);
            Api.Reply health = server.api().head("/api/health");
            assertThat(health.status()).as("the application is not deployed").isEqualTo(404);
        }
    }
}
