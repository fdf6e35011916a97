package dev.stepup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built WAR on Payara Micro (or WildFly, {@link #startWildFly}) in a process of its own,
 * started the way a user starts it:
 * {@code java -jar payara-micro.jar --deploy stepup.war --port <port> --nohazelcast}, in a
 * working directory of the caller's choice and with exactly the {@code STEPUP_*} environment
 * the caller gives (none is inherited). Output goes to a log file under {@code target/it-logs}.
 * Closing it stops the server with SIGTERM, as a service manager would.
 */
public final class ServerProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    /**
     * The JVM options of the servers the tests start: a test server answers a few requests,
     * so the JIT's C1 compiler alone (about half the CPU time of a start, which the servers
     * that start beside each other share on a small machine) is the better bargain.
     */
    static final List<String> TEST_JVM = List.of("-Xmx512m", "-XX:TieredStopAtLevel=1");
    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts a server; {@code name} names its log file. Returns at once: call
     * {@link #awaitReady(Duration)} before using it.
     */
    public static ServerProcess start(String name, Map<String, String> environment, Path workingDirectory, int port) {
        return start(name, environment, workingDirectory, port, existing("stepup.war", "target/stepup.war"));
    }

    /**
     * As {@link #start(String, Map, Path, int)}, with the JVM options given instead of
     * {@link #TEST_JVM}: for a server whose test needs the JIT's full speed.
     */
    public static ServerProcess start(String name, Map<String, String> environment, Path workingDirectory, int port,
                                      List<String> jvmOptions) {
        return start(name, environment, workingDirectory, port, existing("stepup.war", "target/stepup.war"), jvmOptions);
    }

    /**
     * As {@link #start(String, Map, Path, int)}, with more WARs of the build deployed beside
     * StepUp's, in one server: {@code "example-jsf.war"} is {@code target/example-jsf.war}.
     */
    public static ServerProcess startWithWars(String name, Map<String, String> environment, Path workingDirectory, int port,
                                              List<String> moreWars) {
        List<String> deploys = new ArrayList<>();
        for (String war : moreWars) {
            deploys.add("--deploy");
            deploys.add(existing(war, "target/" + war).toString());
        }
        return start(name, environment, workingDirectory, port, existing("stepup.war", "target/stepup.war"),
                TEST_JVM, deploys);
    }

    /** As {@link #start(String, Map, Path, int)}, with another WAR than the build's. */
    public static ServerProcess start(String name, Map<String, String> environment, Path workingDirectory, int port, Path war) {
        return start(name, environment, workingDirectory, port, war, TEST_JVM, List.of());
    }

    /**
     * As {@link #start(String, Map, Path, int, Path)}, with the JVM options given instead of
     * {@link #TEST_JVM} (the bench measures the server with its own).
     */
    public static ServerProcess start(String name, Map<String, String> environment, Path workingDirectory, int port, Path war,
                                      List<String> jvmOptions) {
        return start(name, environment, workingDirectory, port, war, jvmOptions, List.of());
    }

    /** As {@link #start(String, Map, Path, int, Path, List)}, with more Payara Micro options. */
    public static ServerProcess start(String name, Map<String, String> environment, Path workingDirectory, int port, Path war,
                                      List<String> jvmOptions, List<String> microOptions) {
        Path jar = existing("payara.microJar", "target/payara-micro.jar");
        Path logs = Path.of(System.getProperty("stepup.it.logs", "target/it-logs")).toAbsolutePath();
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(name + "-" + port + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of(
                    "-jar", jar.toString(),
                    "--deploy", war.toString(),
                    "--port", Integer.toString(port),
                    "--nohazelcast"));
            command.addAll(microOptions);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            // Only the settings the test gives: nothing from the environment of the build.
            builder.environment().keySet().removeIf(key -> key.startsWith("STEPUP_"));
            builder.environment().putAll(environment);
            return new ServerProcess(name, builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /**
     * Starts a server by a command of its own (the production launcher script, say), which
     * listens on {@code port}; its output goes to the log as the others' does. Only the
     * settings given are in its environment, none of the build's {@code STEPUP_} ones.
     */
    public static ServerProcess startCommand(String name, Map<String, String> environment, Path workingDirectory, int port,
                                             List<String> command) {
        Path logs = Path.of(System.getProperty("stepup.it.logs", "target/it-logs")).toAbsolutePath();
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(name + "-" + port + ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("STEPUP_"));
            builder.environment().putAll(environment);
            return new ServerProcess(name, builder.start(), port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    /**
     * The built WAR on WildFly ({@code jboss.home}, configured by server-config/wildfly.cli),
     * started the way a user starts it: {@code bin/standalone.sh}, here with a server base of
     * its own under {@code workingDirectory} (a copy of {@code standalone/configuration} and
     * the WAR in {@code deployments/}) and its ports moved by {@code portOffset}.
     */
    public static ServerProcess startWildFly(String name, Map<String, String> environment, Path workingDirectory,
                                             int portOffset) {
        Path home = Path.of(System.getProperty("jboss.home", "")).toAbsolutePath();
        Path war = existing("stepup.war", "target/stepup.war");
        Path base = workingDirectory.resolve("wildfly-base");
        Path logs = Path.of(System.getProperty("stepup.it.logs", "target/it-logs")).toAbsolutePath();
        try {
            copyTree(home.resolve("standalone").resolve("configuration"), base.resolve("configuration"));
            Files.createDirectories(base.resolve("deployments"));
            Files.copy(war, base.resolve("deployments").resolve("stepup.war"), StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(logs);
            Path log = logs.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(home.resolve("bin").resolve("standalone.sh").toString(),
                    "-Djboss.server.base.dir=" + base,
                    "-Djboss.socket.binding.port-offset=" + portOffset));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            builder.environment().keySet().removeIf(key -> key.startsWith("STEPUP_"));
            builder.environment().putAll(environment);
            // standalone.sh passes SIGTERM on to the server only when it runs it in the background.
            builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true");
            // standalone.conf's heap sizes, and C1 alone as for Payara Micro (TEST_JVM).
            builder.environment().put("JBOSS_JAVA_SIZING", String.join(" ", "-Xms64m", String.join(" ", TEST_JVM)));
            return new ServerProcess(name, builder.start(), 8080 + portOffset, log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Polls {@code HEAD /api/health} until it answers 200; fails early if the process dies. */
    public ServerProcess awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        HttpRequest probe = HttpRequest.newBuilder(base().resolve("api/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5))
                .build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + tail(80));
            }
            try {
                if (CLIENT.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + "; log " + log + ":\n" + tail(80));
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    public Api api() {
        return Api.at(base());
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops the server with SIGTERM and waits for it to exit; kills it only if it does not
     * exit within a minute. Returns the exit value. Stopping a stopped server does nothing.
     */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not stop within 60 s of SIGTERM and was killed; log " + log);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    /** Stops servers at once: SIGTERM to each, then waits for each (null ones are skipped). */
    public static void stopAll(ServerProcess... servers) {
        for (ServerProcess server : servers) {
            if (server != null && server.process.isAlive()) {
                server.process.destroy();
            }
        }
        for (ServerProcess server : servers) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The last lines of the log, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Deletes a directory tree; for the working directories of the tests. */
    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    System.err.println("Could not delete " + path + ": " + e);
                }
            });
        } catch (IOException e) {
            System.err.println("Could not delete " + root + ": " + e);
        }
    }

    private static Path existing(String property, String fallback) {
        Path path = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " does not exist (system property " + property + "); build with ./mvnw verify");
        }
        return path;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " on port " + port + " (log " + log + ")";
    }
}
