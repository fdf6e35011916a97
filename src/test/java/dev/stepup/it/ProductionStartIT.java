package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's production start, {@code server-config/stepup-start}, on PostgreSQL, as an
 * operator runs it: a version's first start records an archive of what a start loads and
 * moves the WAR's libraries onto the server's class path; the server that then starts from
 * the stored deployment with the archive, and the one after a restart, serve step-ups. It
 * runs on the tests' JDK and on a Java 25 ({@code stepup.it.java25}, by default the Temurin
 * 25 of the project's machine; skipped where there is none), where the archive is the JDK's
 * AOT cache instead of a dynamic class-data archive. The two run one after the other, as
 * both bind the post-boot file's internal port. Its server,
 * state directory and database are this class's own, so it runs beside the classes of the
 * shared server: those of WildFly (the POM's failsafe configuration), where fewer servers
 * start at the same time.
 */
class ProductionStartIT {

    static final Duration READY = Duration.ofSeconds(300);
    /** What the script or Payara says when a start goes wrong: the test need not wait out READY. */
    static final List<String> FAILURES = List.of("Exception while deploying", "could not be split",
            "starting without one", "was not ready in 15 minutes");

    static Database database;
    static Path directory;

    @BeforeAll
    static void prepare() throws IOException {
        database = Database.create();
        directory = Files.createTempDirectory("stepup-production-start");
    }

    @AfterAll
    static void remove() {
        ServerProcess.deleteTree(directory);
    }

    /** A JDK to start the server on, and the archive the script makes on it. */
    record Jdk(String name, Path home, int feature) {
        String archive() {
            return feature >= 25 ? "AOT cache" : "class-data archive";
        }

        String archiveFile() {
            return feature >= 25 ? "stepup.aot" : "classes.jsa";
        }

        @Override
        public String toString() {
            return name + " (" + archive() + ")";
        }
    }

    static Stream<Jdk> jdks() {
        Path java25 = Path.of(System.getProperty("stepup.it.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        return Stream.of(new Jdk("tests-jdk", Path.of(System.getProperty("java.home")), Runtime.version().feature()),
                new Jdk("java25", java25, feature(java25)));
    }

    /** The feature release a JDK's {@code release} file names ({@code JAVA_VERSION="25.0.3"}); 25 where it has none. */
    private static int feature(Path home) {
        try {
            return Files.readAllLines(home.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION=\""))
                    .map(line -> Integer.parseInt(line.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0]))
                    .findFirst().orElse(25);
        } catch (IOException | NumberFormatException e) {
            return 25;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aVersionsFirstStartSplitsTheWarAndRecordsAnArchiveAndEveryStartServesStepUps(Jdk jdk) throws Exception {
        if (jdk.name().equals("java25")) {
            // Where the tests run on 25 or later, the first case is this one already.
            Assumptions.assumeTrue(Runtime.version().feature() < 25, "the tests' JDK is " + Runtime.version().feature());
            boolean asked = System.getProperty("stepup.it.java25") != null;
            boolean present = Files.isExecutable(jdk.home().resolve("bin").resolve("java"));
            assertThat(present || !asked).as("stepup.it.java25 names no JDK: " + jdk.home()).isTrue();
            Assumptions.assumeTrue(present, "no JDK at " + jdk.home());
        }
        Path state = directory.resolve("state-" + jdk.name());
        int port = Ports.free();
        Enrolled user;
        try (ServerProcess server = start("production-start-" + jdk.name(), port, jdk, state)) {
            String started = Waits.until(READY, "the recording run to end and the server to start with its archive",
                    () -> log(server), log -> log.contains("starting with the " + jdk.archive())
                            || FAILURES.stream().anyMatch(log::contains) || !server.isAlive());
            assertThat(started).as("the log").doesNotContain(FAILURES.toArray(String[]::new));
            server.awaitReady(READY);
            assertThat(log(server)).contains("no " + jdk.archive() + " yet; a recording run makes one first");

            Path version = versionDirectory(state);
            // Hibernate, Flyway, the PostgreSQL driver and the rest on the class path; the
            // libraries Payara's runtime has copies of stay in the WAR's copy.
            assertThat(names(version.resolve("lib")))
                    .anyMatch(name -> name.startsWith("hibernate-core-"))
                    .anyMatch(name -> name.startsWith("flyway-core-"))
                    .anyMatch(name -> name.startsWith("postgresql-"))
                    .noneMatch(name -> name.startsWith("h2-") || name.startsWith("jackson-"));
            assertThat(warLibraries(version.resolve("app").resolve("stepup.war")))
                    .anyMatch(name -> name.startsWith("h2-"))
                    .anyMatch(name -> name.startsWith("jackson-databind-"))
                    .anyMatch(name -> name.startsWith("nimbus-jose-jwt-"))
                    .noneMatch(name -> name.startsWith("hibernate-core-") || name.startsWith("postgresql-"));
            assertThat(mapped(server)).as("the server maps its " + jdk.archive())
                    .contains(version.resolve(jdk.archiveFile()).toString());

            user = Enrolled.create(new Users(server.api(), database));
            assertThat(user.stepUpResult(user.nextCode())).isEqualTo("SUCCESS");
            assertThat(user.stepUpResult(user.totp().wrongCode())).isEqualTo("FAILED");
        }

        // A restart: the same version, its root directory and archive as they are.
        try (ServerProcess restarted = start("production-restart-" + jdk.name(), port, jdk, state)) {
            restarted.awaitReady(READY);
            // ... and no expired certificate of Payara's trust store, which it would log whole at
            // every start. (Payara's own key certificate, s1as, expires in 2028: this line will say so.)
            assertThat(log(restarted)).contains("starting with the " + jdk.archive()).doesNotContain("recording run")
                    .doesNotContain("has expired");
            assertThat(mapped(restarted)).contains(versionDirectory(state).resolve(jdk.archiveFile()).toString());
            assertThat(user.stepUpResult(user.nextCode())).isEqualTo("SUCCESS");
        }
    }

    private static ServerProcess start(String name, int port, Jdk jdk, Path state) {
        Map<String, String> environment = new HashMap<>();
        environment.put("STEPUP_DB_URL", database.url());
        environment.put("STEPUP_DB_USER", "postgres");
        environment.put("STEPUP_DB_PASSWORD", "unused");
        environment.put("STEPUP_BOOTSTRAP_ADMIN_TOKEN", TestDatabase.ADMIN_TOKEN);
        environment.put("STEPUP_SECRET_KEY", TestDatabase.SECRET_KEY);
        environment.put("STEPUP_DATA_DIR", directory.resolve("data").toString());
        environment.put("STEPUP_STATE_DIR", state.toString());
        environment.put("STEPUP_WAR",
                Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath().toString());
        environment.put("STEPUP_PAYARA_JAR",
                Path.of(System.getProperty("payara.microJar", "target/payara-micro.jar")).toAbsolutePath().toString());
        // C1 alone, as the other test servers (ServerProcess.TEST_JVM).
        environment.put("STEPUP_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        environment.put("JAVA_HOME", jdk.home().toString());
        // Nothing of the build's JVM settings: an agent there would make the script start without its archive.
        environment.put("JAVA_TOOL_OPTIONS", "");
        return ServerProcess.startCommand(name, environment, directory, port,
                List.of("bash", Path.of("server-config", "stepup-start").toAbsolutePath().toString(),
                        "--port", Integer.toString(port)));
    }

    /** The one version directory in the state directory (a version is keyed by WAR, JDK, options...). */
    private static Path versionDirectory(Path state) throws IOException {
        try (Stream<Path> entries = Files.list(state)) {
            List<Path> versions = entries.filter(Files::isDirectory).toList();
            assertThat(versions).hasSize(1);
            return versions.get(0);
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }

    private static List<String> warLibraries(Path war) throws IOException {
        try (ZipFile zip = new ZipFile(war.toFile())) {
            return zip.stream().map(entry -> entry.getName())
                    .filter(name -> name.startsWith("WEB-INF/lib/") && name.endsWith(".jar"))
                    .map(name -> name.substring("WEB-INF/lib/".length())).toList();
        }
    }

    private static String log(ServerProcess server) {
        try {
            return Files.readString(server.log());
        } catch (IOException e) {
            return "";
        }
    }

    /** The files the server's process has mapped (the script's bash became the JVM by exec). */
    private static String mapped(ServerProcess server) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(server.pid()), "maps"));
    }
}
