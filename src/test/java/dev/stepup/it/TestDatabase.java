package dev.stepup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared server's database and settings: the run's own PostgreSQL database (made before
 * the server starts, dropped when the run ends), and the JVM options Arquillian's containers
 * start the server with, through {@code payara.cmdOptions} for Payara Micro and the WildFly
 * container's {@code javaVmArguments}.
 */
public final class TestDatabase implements BeforeAllCallback {

    /**
     * The bootstrap admin's token and the secret key: from the environment where the build
     * gives them (the WildFly run, whose server inherits them, because WildFly writes its JVM
     * options into server.log at start), else made up for this run and passed as options.
     */
    public static final String ADMIN_TOKEN = environment("STEPUP_BOOTSTRAP_ADMIN_TOKEN",
            "it-admin-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    public static final String SECRET_KEY = environment("STEPUP_SECRET_KEY", Base64.getEncoder().encodeToString(randomKey()));
    /** The identity provider of the Bearer tests: its key pair and issuer. */
    public static final KeyPair JWT_KEYS = rsaKeyPair();
    public static final String JWT_ISSUER = "https://idp.stepup.test";
    public static final String JWT_AUDIENCE = "stepup";
    /** The {@code acr} values of the tests' identity provider that count as a step-up there. */
    public static final java.util.List<String> STEP_UP_ACR = java.util.List.of("urn:example:mfa", "phr");

    private static Database shared;
    private static int wildFlyOffset;

    @Override
    public void beforeAll(ExtensionContext context) {
        shared();
    }

    /** The shared server's database, made (with the server's settings) on first use. */
    public static synchronized Database shared() {
        if (shared == null) {
            shared = Database.create();
            configureServer(shared);
        }
        return shared;
    }

    public static Connection connect() throws SQLException {
        return shared().connect();
    }

    public static String url() {
        return shared().url();
    }

    /** The shared WildFly's port offset: HTTP on 8080 plus it, management on 9990 plus it. */
    public static synchronized int wildFlyOffset() {
        shared();
        return wildFlyOffset;
    }

    private static void configureServer(Database database) {
        Path logs = Path.of(System.getProperty("stepup.it.logs", "target/it-logs")).toAbsolutePath();
        try {
            Files.createDirectories(logs.resolve("data"));
            // The log of this run's shared server only: Payara Micro appends to an existing one.
            try (var old = Files.list(logs)) {
                for (Path file : old.filter(f -> f.getFileName().toString().startsWith("server.log")).toList()) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Each secret the environment does not give the server (it inherits the environment) goes as an option.
        String secrets = (inEnvironment("STEPUP_BOOTSTRAP_ADMIN_TOKEN") ? "" : "-Dstepup.bootstrap.admin.token=" + ADMIN_TOKEN)
                + (inEnvironment("STEPUP_SECRET_KEY") ? "" : " -Dstepup.secret.key=" + SECRET_KEY);
        String settings = String.join(" ",
                "-Xmx512m",
                "-Dstepup.db.url=" + database.url(),
                "-Dstepup.db.user=postgres",
                "-Dstepup.db.password=unused",
                secrets,
                "-Dstepup.data.dir=" + logs.resolve("data"),
                // Pending enrolments are removed by the purge tests only, which age their own
                // (the housekeeping of every minute would otherwise race them for the rows).
                "-Dstepup.housekeeping.challenge.max.age.hours=87600",
                // Housekeeping every 2 s, so that HousekeepingIT waits seconds, not a minute; audit
                // lines are kept 400 days, which only its own old lines reach.
                "-Dstepup.housekeeping.interval.seconds=2",
                "-Dstepup.audit.retention.days=400",
                "-Dmp.jwt.verify.publickey=" + Base64.getEncoder().encodeToString(JWT_KEYS.getPublic().getEncoded()),
                "-Dmp.jwt.verify.issuer=" + JWT_ISSUER,
                "-Dmp.jwt.verify.audiences=" + JWT_AUDIENCE,
                "-Dstepup.jwt.step.up.acr=" + String.join(",", STEP_UP_ACR));
        System.setProperty("payara.cmdOptions", settings);
        // As the README's production start: no Hazelcast at all.
        System.setProperty("payara.extraMicroOptions", "--nohazelcast --logtofile " + serverLog());
        // WildFly (the failsafe execution "wildfly"): the same settings, its ports moved by a
        // free offset, and server.log written where ServerLogs reads.
        if (Server.isWildFly()) {
            wildFlyOffset = Ports.wildFlyOffset();
            System.setProperty("arq.container.wildfly.configuration.managementPort", Integer.toString(9990 + wildFlyOffset));
            System.setProperty("arq.container.wildfly.configuration.javaVmArguments", String.join(" ", settings,
                    "-Djboss.socket.binding.port-offset=" + wildFlyOffset, "-Djboss.server.log.dir=" + logs));
        }
    }

    /** Where the shared server of this run writes its log. */
    public static String serverLog() {
        return Path.of(System.getProperty("stepup.it.logs", "target/it-logs"), "server.log").toAbsolutePath().toString();
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
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
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** SHA-256 in hex, as the server stores the hashes of cookies, tokens and sign-in names. */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
