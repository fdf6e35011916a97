package dev.stepup.bench;

import dev.stepup.it.Ports;
import dev.stepup.it.TestTotp;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Keycloak (the {@code keycloak-quarkus-dist} the bench profile unpacks into
 * {@code target/keycloak}) as the bench's comparison target: the same question, "is this the
 * user, with a second factor?", answered by the identity server many teams would otherwise
 * run. The bench compares StepUp's step-up with Keycloak's password and TOTP login through
 * the resource-owner password grant on the token endpoint, the one way to ask Keycloak for
 * both factors in a single HTTP request, as a step-up is one request.
 * <p>
 * Keycloak runs the way its guide starts it, {@code bin/kc.sh start-dev}, on Java 21 or later
 * ({@code keycloak.java}, by default the Temurin 25 on this machine; the bench itself runs on
 * Java 17), against the bench's PostgreSQL in a database of its own created for this start
 * and dropped on {@link #close()}, so runs never see each other's realms. Its output goes to
 * {@code keycloak-<port>.log} under {@code stepup.it.logs} (by default {@code target/bench}),
 * not to the bench's report. {@code -Dkeycloak.heap="-Xmx256m"} replaces kc.sh's default heap
 * settings ({@code -Xms64m -Xmx512m} outside a container), for a comparison at StepUp's heap.
 * <p>
 * The realm ({@value #REALM}) is written by this class and imported at the first start:
 * {@code users} users, each with a password and a TOTP credential (SHA-1, six digits, 30
 * seconds, Keycloak's default look-ahead of one step and its default refusal of a reused
 * code), and a public client ({@value #CLIENT}) allowed the password grant. Passwords are
 * hashed with PBKDF2-SHA256 at one iteration, so that a login measures the second factor and
 * the token it issues, not the password hash (StepUp's step-up checks no password), and
 * brute-force detection is off, so that the bench's wrong codes lock nobody out. Keycloak's
 * {@code --import-realm} reads only its home's {@code data/import}, which would be shared by
 * every Keycloak started from the same unpacked home; this class instead points Keycloak's
 * import at a temporary directory of its own (the {@code keycloak.migration.dir} system
 * property, which {@code --import-realm} sets when the home has an import directory and
 * leaves alone otherwise; Keycloak imports whenever it is set), and deletes the file once
 * the realm is in. A restart imports nothing: the realm is in the database, as at any
 * operator's restart (with the file still there, Keycloak would log "Realm 'bench' already
 * exists. Import skipped").
 * <p>
 * The first start ever from a freshly unpacked home also runs Quarkus's build step (about half
 * a minute here: "Updating the configuration...") and stores its result in the home's
 * {@code lib/quarkus}; later starts with the same options skip it. Every first start also
 * creates Keycloak's schema in the new database (Liquibase) before importing. So
 * {@link #startSeconds()} of a first start is not a restart's time: {@link #restart()} is.
 * <p>
 * {@link #pid()} is Keycloak's JVM, not the kc.sh shell that starts it, so the bench can read
 * its CPU time and resident memory from {@code /proc}. Ready means the realm's OpenID
 * discovery document answers 200: the HTTP listener is up and the import is done.
 * <p>
 * {@link #main} is a smoke check of all this (see there).
 */
final class KeycloakServer implements AutoCloseable {

    static final String REALM = "bench";
    static final String CLIENT = "bench";
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    /** kc.sh needs Java 21 or later; the bench's own JVM is Java 17. */
    static final String JAVA_HOME = System.getProperty("keycloak.java", "/usr/lib/jvm/temurin-25-jdk-amd64");
    static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    private static final HttpClient CLIENT_HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final int users;
    private final int port;
    private final int managementPort;
    private final String database;
    private final Path work;
    private final Path log;
    /** Each user's TOTP secret as Keycloak stores it: text, whose UTF-8 bytes are the key. */
    private final String secretPrefix;
    private Process process;
    private long pid;
    private double startSeconds;

    private KeycloakServer(Path home, int users, int port) throws IOException {
        this.home = home;
        this.users = users;
        this.port = port;
        this.managementPort = Ports.free();
        this.database = "kc_bench_" + System.currentTimeMillis();
        this.work = Files.createTempDirectory("kc-bench");
        Path logs = Path.of(System.getProperty("stepup.it.logs", "target/bench")).toAbsolutePath();
        Files.createDirectories(logs);
        this.log = logs.resolve("keycloak-" + port + ".log");
        byte[] random = new byte[10];
        new SecureRandom().nextBytes(random);
        this.secretPrefix = "kc-bench-" + HexFormat.of().formatHex(random) + "-";
    }

    /**
     * A new database, a realm file with {@code users} users, Keycloak started on
     * {@code port} with it and ready (realm imported). {@code home} is the unpacked
     * distribution, e.g. {@code target/keycloak/keycloak-26.7.3} ({@link #home()}).
     */
    static KeycloakServer start(Path home, int users, int port) throws Exception {
        if (!Files.isExecutable(home.resolve("bin").resolve("kc.sh"))) {
            throw new IllegalStateException("No Keycloak at " + home.toAbsolutePath()
                    + ": run the bench profile (./mvnw -B -Pbench verify) to unpack it, or set keycloak.home");
        }
        KeycloakServer server = new KeycloakServer(home.toAbsolutePath(), users, port);
        try {
            sql("postgres", "create database " + server.database);
            server.writeRealm();
            server.startSeconds = server.launch(true);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** The unpacked distribution named by the system property {@code keycloak.home}. */
    static Path home() {
        String home = System.getProperty("keycloak.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("Set keycloak.home to the unpacked keycloak-quarkus-dist");
        }
        return Path.of(home);
    }

    /** Keycloak's JVM (not kc.sh's shell) of the current start. */
    long pid() {
        return pid;
    }

    /** Its PostgreSQL database. */
    String database() {
        return database;
    }

    int users() {
        return users;
    }

    int port() {
        return port;
    }

    /** Seconds from starting kc.sh to ready, for the first start (realm import included). */
    double startSeconds() {
        return startSeconds;
    }

    /**
     * Stops Keycloak gracefully (SIGTERM to its JVM) and starts it again on the same database
     * without importing (the realm is there, as at any operator's restart); returns the seconds
     * from starting kc.sh to ready.
     */
    double restart() throws Exception {
        stop();
        startSeconds = launch(false);
        return startSeconds;
    }

    /** User {@code user}'s authenticator: the UTF-8 bytes of the secret text, SHA-1, 6 digits, 30 s. */
    TestTotp totp(int user) {
        return new TestTotp(secret(user).getBytes(StandardCharsets.UTF_8), "SHA1", 6, 30);
    }

    /**
     * User {@code user}'s login with both factors: the password grant on the realm's token
     * endpoint with the TOTP code in {@code totp}. 200 with an access token when the code is
     * good; 400 {@code invalid_grant} ("Invalid user credentials", as for a wrong password) when
     * it is wrong or already used: Keycloak follows RFC 6749 section 5.2 here, not 401.
     */
    HttpRequest login(int user, String code) {
        String form = "grant_type=password&client_id=" + CLIENT
                + "&username=" + username(user)
                + "&password=" + URLEncoder.encode(password(user), StandardCharsets.UTF_8)
                + "&totp=" + URLEncoder.encode(code, StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/realms/" + REALM
                        + "/protocol/openid-connect/token"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
    }

    /** Stops Keycloak (and whatever it started), drops its database and removes its files. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                sql("postgres", "drop database if exists " + database + " with (force)");
            } catch (SQLException e) {
                System.err.println("Cannot drop " + database + ": " + e.getMessage());
            }
            deleteTree(work);
        }
    }

    static String username(int user) {
        return "user" + user;
    }

    static String password(int user) {
        return "password-" + user;
    }

    private String secret(int user) {
        return secretPrefix + user;
    }

    /**
     * The realm, written with a StringBuilder: every value is this class's own (names, hex
     * text and numbers), none needs escaping beyond the quotes in the credentials' embedded
     * JSON. Users carry an e-mail address and names so that Keycloak's default user profile
     * asks nothing more of them at login.
     */
    private void writeRealm() throws IOException {
        Path directory = work.resolve("import");
        Files.createDirectories(directory);
        try (Writer out = Files.newBufferedWriter(directory.resolve(REALM + "-realm.json"))) {
            out.write("""
                    {"realm":"%s","enabled":true,
                     "passwordPolicy":"hashAlgorithm(pbkdf2-sha256) and hashIterations(1)",
                     "bruteForceProtected":false,
                     "otpPolicyType":"totp","otpPolicyAlgorithm":"HmacSHA1","otpPolicyDigits":6,
                     "otpPolicyPeriod":30,"otpPolicyLookAheadWindow":1,"otpPolicyCodeReusable":false,
                     "clients":[{"clientId":"%s","enabled":true,"publicClient":true,
                       "standardFlowEnabled":false,"directAccessGrantsEnabled":true}],
                     "users":[
                    """.formatted(REALM, CLIENT));
            StringBuilder user = new StringBuilder(600);
            for (int i = 0; i < users; i++) {
                user.setLength(0);
                user.append(i == 0 ? "" : ",\n")
                        .append("{\"username\":\"").append(username(i)).append("\",\"enabled\":true,")
                        .append("\"email\":\"").append(username(i)).append("@bench.example\",\"emailVerified\":true,")
                        .append("\"firstName\":\"Bench\",\"lastName\":\"User ").append(i).append("\",")
                        .append("\"credentials\":[{\"type\":\"password\",\"value\":\"").append(password(i))
                        .append("\",\"temporary\":false},")
                        .append("{\"type\":\"otp\",\"userLabel\":\"bench\",")
                        .append("\"secretData\":\"{\\\"value\\\":\\\"").append(secret(i)).append("\\\"}\",")
                        .append("\"credentialData\":\"{\\\"subType\\\":\\\"totp\\\",\\\"digits\\\":6,")
                        .append("\\\"counter\\\":0,\\\"period\\\":30,\\\"algorithm\\\":\\\"HmacSHA1\\\"}\"}]}");
                out.append(user);
            }
            out.write("]}\n");
        }
    }

    /** Starts kc.sh and waits until the realm answers; returns the seconds that took. */
    private double launch(boolean importRealm) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
                "--http-port", Integer.toString(port),
                "--http-management-port", Integer.toString(managementPort),
                "--db", "postgres",
                "--db-url", PG + database,
                "--db-username", "postgres",
                "--db-password", "unused"));
        if (importRealm) {
            command.add("--import-realm");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        // Only this class's settings: nothing from the environment of the build.
        environment.keySet().removeIf(key -> key.startsWith("KC_") || key.startsWith("KEYCLOAK_")
                || key.startsWith("JAVA_OPTS") || key.equals("JAVA_ADD_OPENS"));
        environment.put("JAVA_HOME", JAVA_HOME);
        if (importRealm) {
            // Keycloak imports whenever this property is set, with or without --import-realm
            // (which is passed anyway, as a reader of the command line expects).
            environment.put("JAVA_OPTS_APPEND", "-Dkeycloak.migration.dir=" + work.resolve("import"));
        }
        String heap = System.getProperty("keycloak.heap", "");
        if (!heap.isBlank()) {
            environment.put("JAVA_OPTS_KC_HEAP", heap);
        }
        Files.writeString(log, "\n==== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long started = System.nanoTime();
        process = builder.start();
        awaitReady();
        double seconds = (System.nanoTime() - started) / 1e9;
        pid = jvm().pid();
        if (importRealm) {
            deleteTree(work.resolve("import"));
        }
        return seconds;
    }

    private void awaitReady() throws Exception {
        HttpRequest discovery = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/realms/" + REALM
                + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(10)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ", see " + log);
            }
            try {
                if (CLIENT_HTTP.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Keycloak not ready within " + READY_TIMEOUT + ", see " + log);
    }

    /**
     * The JVM kc.sh runs: its child, or kc.sh itself when it has replaced itself with the JVM
     * (after an implicit rebuild it {@code exec}s java).
     */
    private ProcessHandle jvm() {
        ProcessHandle shell = process.toHandle();
        if (isJava(shell)) {
            return shell;
        }
        Optional<ProcessHandle> java = shell.descendants().filter(KeycloakServer::isJava).findFirst();
        return java.orElseThrow(() -> new IllegalStateException("No Keycloak JVM under kc.sh (pid " + shell.pid() + ")"));
    }

    private static boolean isJava(ProcessHandle handle) {
        return handle.info().command().map(c -> c.endsWith("/java")).orElse(false);
    }

    /** SIGTERM to the JVM (kc.sh forwards it too), a minute's grace, then SIGKILL to all. */
    private void stop() {
        if (process == null) {
            return;
        }
        ProcessHandle shell = process.toHandle();
        List<ProcessHandle> all = new ArrayList<>(shell.descendants().toList());
        all.add(shell);
        all.stream().filter(KeycloakServer::isJava).forEach(ProcessHandle::destroy);
        shell.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                System.err.println("Keycloak did not stop within a minute; killing it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle handle : all) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        for (ProcessHandle handle : all) {
            handle.onExit().join();
        }
        process = null;
    }

    static void sql(String database, String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(PG + database, "postgres", "");
             Statement sql = connection.createStatement()) {
            sql.execute(statement);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("Cannot remove " + root + ": " + e.getMessage());
        }
    }

    /**
     * Smoke check, run by hand against the unpacked distribution: starts Keycloak with
     * {@code -Dkeycloak.smoke.users} users (1000 by default), then expects a good code to log
     * in (200 with an access token), the same code again to be refused (400 invalid_grant,
     * replay), a wrong code to be refused (400 invalid_grant), codes one step off to be
     * accepted and two steps off refused (the look-ahead window of one step), times 200 wrong-code logins one after another, restarts and
     * prints every time. Exits with 1 if an expectation fails.
     * <pre>
     * java -cp target/test-classes:target/classes:$(cat cp.txt) -Dkeycloak.home=target/keycloak/keycloak-26.7.3 \
     *     dev.stepup.bench.KeycloakServer
     * </pre>
     */
    public static void main(String[] args) throws Exception {
        int users = Integer.getInteger("keycloak.smoke.users", 1000);
        List<String> failures = new ArrayList<>();
        try (KeycloakServer keycloak = start(home(), users, Ports.free())) {
            System.out.printf("Keycloak with %d users on port %d (pid %d, %s; database %s): ready in %.1f s%n",
                    users, keycloak.port(), keycloak.pid(),
                    ProcessHandle.of(keycloak.pid()).flatMap(p -> p.info().command()).orElse("?"),
                    keycloak.database(), keycloak.startSeconds());
            int user = users / 2;
            TestTotp totp = keycloak.totp(user);
            String code = totp.now();
            HttpResponse<String> good = send(keycloak.login(user, code));
            expect(failures, "good code", good, 200, "access_token");
            HttpResponse<String> again = send(keycloak.login(user, code));
            expect(failures, "same code again", again, 400, "invalid_grant");
            HttpResponse<String> wrong = send(keycloak.login(user, totp.wrongCode()));
            expect(failures, "wrong code", wrong, 400, "invalid_grant");
            long started = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                int u = i % users;
                HttpResponse<String> response = send(keycloak.login(u, keycloak.totp(u).wrongCode()));
                if (response.statusCode() != 400) {
                    failures.add("wrong code " + i + ": " + response.statusCode() + " " + response.body());
                    break;
                }
            }
            double millis = (System.nanoTime() - started) / 1e6;
            // The window: Keycloak's look-ahead of one step also looks one step back.
            while (Instant.now().getEpochSecond() % 30 < 2 || Instant.now().getEpochSecond() % 30 > 27) {
                Thread.sleep(500);
            }
            int near = (user + 2) % users;
            TestTotp nearTotp = keycloak.totp(near);
            long step = nearTotp.currentStep();
            expect(failures, "code of the step before", send(keycloak.login(near, nearTotp.code(step - 1))),
                    200, "access_token");
            expect(failures, "code of two steps before", send(keycloak.login(near, nearTotp.code(step - 2))),
                    400, "invalid_grant");
            expect(failures, "code of the next step", send(keycloak.login(near, nearTotp.code(step + 1))),
                    200, "access_token");
            expect(failures, "code of two steps ahead", send(keycloak.login(near, nearTotp.code(step + 2))),
                    400, "invalid_grant");
            System.out.printf("200 wrong-code logins, one at a time: %.0f ms (%.1f ms each)%n", millis, millis / 200);
            double restart = keycloak.restart();
            System.out.printf("restart: ready in %.1f s (pid %d)%n", restart, keycloak.pid());
            int other = (user + 1) % users;
            expect(failures, "good code after restart", send(keycloak.login(other, keycloak.totp(other).now())),
                    200, "access_token");
        }
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.out.println("FAILED: " + f));
            System.exit(1);
        }
        System.out.println("Keycloak smoke check passed");
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT_HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(List<String> failures, String what, HttpResponse<String> response, int status,
                               String bodyPart) {
        boolean ok = response.statusCode() == status && response.body().contains(bodyPart);
        String body = response.body().length() > 160 ? response.body().substring(0, 160) + "..." : response.body();
        System.out.printf("%s: %d %s%s%n", what, response.statusCode(), body, ok ? "" : "  <-- expected " + status);
        if (!ok) {
            failures.add(what + ": " + response.statusCode() + " " + response.body());
        }
    }
}
