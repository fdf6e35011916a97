package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.SignedJWT;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Start-up checks of issue 23 with the server as a user starts it ({@link ServerProcess}, the
 * embedded H2 default): settings that stop the start and say why, and a production-like start
 * (server-config/post-boot-commands.asadmin, a trusted proxy) whose files, log, cookies,
 * client addresses and operator endpoints are as the README promises.
 */
@Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
class HardeningStartIT {

    static final Duration READY = Duration.ofSeconds(300);
    static final String ISSUER = "https://idp.stepup.test";

    Path workDir;

    @BeforeEach
    void freshWorkingDirectory() throws IOException {
        workDir = Files.createTempDirectory("stepup-hardening-");
    }

    @AfterEach
    void removeWorkingDirectory() {
        ServerProcess.deleteTree(workDir);
    }

    @Test
    @DisplayName("Bearer JWTs without an audience, or with a JWKS over plain http, stop the start and say why")
    void bearerWithoutAudienceOrOverPlainHttpStopsTheStart() throws Exception {
        Map<String, String> env = Map.of("MP_JWT_VERIFY_ISSUER", ISSUER,
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "http://idp.example.com/.well-known/jwks.json");
        try (ServerProcess server = ServerProcess.start("hardening-bearer", env, workDir, Ports.free())) {
            String log = awaitPayaraUp(server);
            assertThat(log).contains("Bearer JWTs are configured (mp.jwt.verify.issuer and a key), but"
                            + " MP_JWT_VERIFY_AUDIENCES (mp.jwt.verify.audiences) is not set")
                    .contains("STEPUP_JWT_ANY_AUDIENCE=true")
                    .contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION (mp.jwt.verify.publickey.location) is fetched over plain http")
                    .contains("StepUp does not start so");
            assertThat(server.api().head("/api/health").status()).as("the application is not deployed").isEqualTo(404);
        }
    }

    @Test
    void aConfiguredBootstrapTokenShorterThan20CharactersStopsTheStart() throws Exception {
        String token = "short-token-123";
        try (ServerProcess server = ServerProcess.start("hardening-short-token",
                Map.of("STEPUP_BOOTSTRAP_ADMIN_TOKEN", token), workDir, Ports.free())) {
            String log = awaitPayaraUp(server);
            assertThat(log).contains("STEPUP_BOOTSTRAP_ADMIN_TOKEN has 15 characters; a configured bootstrap value needs"
                    + " at least 20").doesNotContain(token);
            assertThat(server.api().head("/api/health").status()).as("the application is not deployed").isEqualTo(404);
        }
    }

    @Test
    @DisplayName("a production start: owner-only files named in the log, operator endpoints inside, a trusted proxy's"
            + " address and https, any audience on purpose")
    void aProductionStart() throws Exception {
        int port = Ports.free();
        int internal = Ports.free();
        Path commands = workDir.resolve("post-boot-commands.asadmin");
        String production = Files.readString(Path.of("server-config", "post-boot-commands.asadmin"), StandardCharsets.UTF_8);
        assertThat(production).contains("--listenerport=8081");
        Files.writeString(commands, production.replace("--listenerport=8081", "--listenerport=" + internal));
        Map<String, String> env = new HashMap<>();
        env.put("MP_JWT_VERIFY_PUBLICKEY", Base64.getEncoder().encodeToString(TestDatabase.JWT_KEYS.getPublic().getEncoded()));
        env.put("MP_JWT_VERIFY_ISSUER", ISSUER);
        env.put("STEPUP_JWT_ANY_AUDIENCE", "true");
        env.put("STEPUP_TRUST_FORWARDED_PROTO", "true");
        env.put("STEPUP_TRUST_FORWARDED_FOR", "true");
        try (ServerProcess server = ServerProcess.start("hardening-production", env, workDir, port, war(), ServerProcess.TEST_JVM,
                List.of("--postbootcommandfile", commands.toString()))) {
            server.awaitReady(READY);
            Api api = server.api();

            // 5. Files: the data directory and StepUp's own files for the owner alone; the log names the files.
            Path data = workDir.resolve("stepup-data");
            assertThat(permissions(data)).isEqualTo("rwx------");
            assertThat(permissions(data.resolve("admin-token"))).isEqualTo("rw-------");
            assertThat(permissions(data.resolve("admin-password"))).isEqualTo("rw-------");
            String token = Files.readString(data.resolve("admin-token"), StandardCharsets.UTF_8).strip();
            String password = Files.readString(data.resolve("admin-password"), StandardCharsets.UTF_8).strip();

            // 6. Operator endpoints on the internal listener only.
            assertThat(api.header("Accept", "text/plain").get("/metrics").status()).isEqualTo(404);
            assertThat(api.header("Accept", "text/plain").get("/openapi").status()).isEqualTo(404);
            Api inside = Api.at(java.net.URI.create("http://127.0.0.1:" + internal + "/"));
            Api.Reply metrics = inside.header("Accept", "text/plain").get("/metrics?scope=application");
            // Payara's metrics service may answer 500 for a moment after the application is ready.
            for (Instant until = Instant.now().plusSeconds(30); metrics.status() == 500 && Instant.now().isBefore(until); ) {
                Thread.sleep(1000);
                metrics = inside.header("Accept", "text/plain").get("/metrics?scope=application");
            }
            assertThat(metrics.status()).as(metrics.toString()).isEqualTo(200);
            assertThat(metrics.body()).contains("stepup_registrations");
            assertThat(inside.header("Accept", "text/plain").get("/openapi").body()).contains("title: StepUp API");

            // 2. Any audience, on purpose.
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256),
                    Jwts.claims("payroll-user@example.com").issuer(ISSUER).audience("payroll").build());
            jwt.sign(new RSASSASigner(TestDatabase.JWT_KEYS.getPrivate()));
            assertThat(api.header("Authorization", "Bearer " + jwt.serialize()).get("/api/me").status()).isEqualTo(200);

            // 1. The client's address from a trusted proxy: its rightmost X-Forwarded-For entry.
            Api guesser = api.header("X-Forwarded-For", "198.51.100.7, 203.0.113.9");
            for (int guess = 0; guess < 5; guess++) {
                assertThat(signIn(guesser, "admin", "guess " + guess).status()).isEqualTo(401);
            }
            assertThat(signIn(guesser, "admin", password).status()).as("the guesser's address waits").isEqualTo(429);
            Api.Reply audit = api.token(token).get("/api/audit?type=SIGN_IN&size=1");
            JsonObject line = audit.json().getJsonArray("data").getJsonObject(0);
            assertThat(line.getString("outcome")).isEqualTo("FAILED");
            assertThat(line.getString("sourceIp")).isEqualTo("203.0.113.9");

            // 6. Over https (the proxy says so): the session cookie with the __Host- prefix.
            Api admin = api.header("X-Forwarded-For", "203.0.113.9, 198.51.100.7").header("X-Forwarded-Proto", "https");
            Api.Reply signedIn = signIn(admin, "admin", password);
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
            List<String> cookies = signedIn.headerValues("Set-Cookie");
            assertThat(cookies.get(0)).startsWith("__Host-STEPUP_SESSION=").contains("; Path=/;").contains("; HttpOnly")
                    .contains("; SameSite=Strict").endsWith("; Secure");
            assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).startsWith("STEPUP_DEVICE=").endsWith("; Secure"));
            String session = cookies.get(0).substring("__Host-STEPUP_SESSION=".length(), cookies.get(0).indexOf(';'));
            Api https = api.header("X-Forwarded-Proto", "https");
            assertThat(https.header("Cookie", "__Host-STEPUP_SESSION=" + session).get("/api/me").status()).isEqualTo(200);
            assertThat(https.header("Cookie", "STEPUP_SESSION=" + session).get("/api/me").status())
                    .as("over https only the __Host- name counts").isEqualTo(401);

            server.stop();
            String log = Files.readString(server.log(), StandardCharsets.UTF_8);
            assertThat(log).contains(data.resolve("admin-token").toString()).contains(data.resolve("admin-password").toString())
                    .doesNotContain(token).doesNotContain(password)
                    .contains("STEPUP_JWT_ANY_AUDIENCE=true: Bearer tokens of the issuer are accepted for any audience");
        }
    }

    private static Api.Reply signIn(Api api, String username, String password) {
        return api.post("/api/session", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    /** Waits until Payara Micro itself is up (with or without the application); the log so far. */
    private static String awaitPayaraUp(ServerProcess server) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(READY);
        while (!Files.readString(server.log(), StandardCharsets.UTF_8).contains(" ready in ") && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        return Files.readString(server.log(), StandardCharsets.UTF_8);
    }

    private static Path war() {
        return Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath();
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
