package dev.stepup.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test run a PostgreSQL database of its own (dropped when the run ends) and
 * hands the server its settings through {@code payara.cmdOptions}, which the Payara Micro
 * Arquillian container reads, or through the WildFly container's {@code javaVmArguments}.
 */
public final class TestDatabase implements BeforeAllCallback {

    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    /**
     * The bootstrap admin's token and the secret key: from the environment where the build
     * gives them (the WildFly run, whose server inherits them, because WildFly writes its JVM
     * options into server.log at start), else made up for this run and passed as options.
     */
    public static final String ADMIN_TOKEN = environment("STEPUP_BOOTSTRAP_ADMIN_TOKEN",
            "it-admin-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    public static final String SECRET_KEY = environment("STEPUP_SECRET_KEY", Base64.getEncoder().encodeToString(randomKey()));
    /** The identity provider of the Bearer tests: its key pair and issuer. */
    public static final java.security.KeyPair JWT_KEYS = rsaKeyPair();
    public static final String JWT_ISSUER = "https://idp.stepup.test";
    public static final String JWT_AUDIENCE = "stepup";

    private static String name;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /** The run's database, created on first use. */
    public static synchronized String name() throws SQLException {
        start();
        return name;
    }

    public static String url() throws SQLException {
        return SERVER + name();
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    private static synchronized void start() throws SQLException {
        if (name != null) {
            return;
        }
        String database = "stepup_it_" + System.currentTimeMillis();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("create database " + database);
        }
        name = database;
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::drop));
        java.nio.file.Path logs = java.nio.file.Path.of(System.getProperty("stepup.it.logs", "target/it-logs")).toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(logs.resolve("data"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        // Each secret the environment does not give the server (it inherits the environment) goes as an option.
        String secrets = (inEnvironment("STEPUP_BOOTSTRAP_ADMIN_TOKEN") ? "" : "-Dstepup.bootstrap.admin.token=" + ADMIN_TOKEN)
                + (inEnvironment("STEPUP_SECRET_KEY") ? "" : " -Dstepup.secret.key=" + SECRET_KEY);
        String settings = String.join(" ",
                "-Xmx512m",
                "-Dstepup.db.url=" + SERVER + database,
                "-Dstepup.db.user=postgres",
                "-Dstepup.db.password=unused",
                secrets,
                "-Dstepup.data.dir=" + logs.resolve("data"),
                "-Dstepup.audit.retention.days=400",
                "-Dmp.jwt.verify.publickey=" + Base64.getEncoder().encodeToString(JWT_KEYS.getPublic().getEncoded()),
                "-Dmp.jwt.verify.issuer=" + JWT_ISSUER,
                "-Dmp.jwt.verify.audiences=" + JWT_AUDIENCE);
        System.setProperty("payara.cmdOptions", settings);
        // As the README's production start: no Hazelcast at all.
        System.setProperty("payara.extraMicroOptions", "--nohazelcast --logtofile " + serverLog());
        // WildFly (the failsafe execution "wildfly"): the same settings, its ports moved by 100
        // so as not to meet anything on 8080 or 9990, and server.log written where ServerLogs reads.
        System.setProperty("arq.container.wildfly.configuration.javaVmArguments", String.join(" ", settings,
                "-Djboss.socket.binding.port-offset=100", "-Djboss.server.log.dir=" + logs));
    }

    /** Where the servers of this run write their log. */
    public static String serverLog() {
        return java.nio.file.Path.of(System.getProperty("stepup.it.logs", "target/it-logs"), "server.log").toAbsolutePath().toString();
    }

    private static void drop() {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
             Statement statement = admin.createStatement()) {
            statement.execute("drop database if exists " + name + " with (force)");
        } catch (SQLException e) {
            System.err.println("Could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static java.security.KeyPair rsaKeyPair() {
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String environment(String name, String otherwise) {
        return inEnvironment(name) ? System.getenv(name) : otherwise;
    }

    private static boolean inEnvironment(String name) {
        String value = System.getenv(name);
        return value != null && !value.isBlank();
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /** SHA-256 in hex, as the server stores the hashes of cookies, tokens and sign-in names. */
    public static String sha256(String value) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
