package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default on WildFly (run by the failsafe execution "wildfly"): the WAR with no
 * database setting keeps users and registrations in H2 files under the server's working
 * directory, across a restart, and H2's listing trigger loads from the WAR there too. It runs
 * beside the classes of the shared WildFly (see the failsafe configuration in the POM).
 */
class WildFlyEmbeddedIT {

    private static final Duration READY = Duration.ofSeconds(300);

    @Test
    void usersAndRegistrationsSurviveARestart(@TempDir Path work) {
        // Ports of its own, clear of the shared WildFly's, which runs beside it (see the POM).
        int portOffset = Ports.wildFlyOffset();
        String adminToken = "wf-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        Map<String, String> env = Map.of("STEPUP_BOOTSTRAP_ADMIN_TOKEN", adminToken);
        String username = "kept-" + UUID.randomUUID();
        String userId;

        try (ServerProcess first = ServerProcess.startWildFly("wildfly-embedded-first", env, work, portOffset)) {
            first.awaitReady(READY);
            Api admin = first.api().token(adminToken);
            Api.Reply created = admin.post("/api/users", """
                    {"type":"User","username":"%s","status":"active"}""".formatted(username));
            assertThat(created.status()).as(created.toString()).isEqualTo(200);
            userId = created.string("userId");
            assertThat(admin.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").status()).isEqualTo(200);
            assertListsOnePendingEnrolment(admin);
            assertThat(first.stop()).as("exit after SIGTERM; log %s", first.log()).isIn(0, 130, 143);
        }
        assertThat(work.resolve("stepup-data").resolve("stepup.mv.db")).isRegularFile();

        try (ServerProcess second = ServerProcess.startWildFly("wildfly-embedded-second", env, work, portOffset)) {
            second.awaitReady(READY);
            Api admin = second.api().token(adminToken);
            Api.Reply read = admin.get("/api/users/" + userId);
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
            assertThat(read.string("username")).isEqualTo(username);
            assertListsOnePendingEnrolment(admin);
        }
    }

    private static void assertListsOnePendingEnrolment(Api admin) {
        Api.Reply listed = admin.get("/api/mfa/admin/registrations/TOTP?status=CHALLENGE");
        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.json().getJsonNumber("count").longValue()).isEqualTo(1);
        assertThat(listed.json().getJsonArray("data").getJsonObject(0).getString("username")).isEqualTo("admin");
    }
}
