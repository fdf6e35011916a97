package dev.stepup.bench;

import dev.stepup.it.Api;
import dev.stepup.it.Ports;
import dev.stepup.it.ServerProcess;
import dev.stepup.it.TestTotp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The StepUp benchmark: the WAR on Payara Micro ({@code -Xmx256m}) and PostgreSQL on this
 * machine, driven over HTTP by the JDK's client. It prints (and writes to
 * {@code target/bench/results.md}) a Markdown report:
 * <ul>
 * <li>(a) step-up with valid codes, every accepted request a real success; (b) with wrong
 * codes (the throttle threshold raised so none is throttled); (c) {@code HEAD /api/health},
 * the bare server; (d) pgbench running the SQL the accept path needs (the conditional
 * replay update and the completion insert) as the database's ceiling, and (e) the statements
 * an accepted step-up sends (all but the token's last-use write, at most once a minute), the
 * ceiling for this design; at 1, 4, 16 and 64
 * clients, with (a)/(d) and (b)/(c) as ratios measured in the same run, and where the
 * cores went in each phase (CPU per request of the load driver, the server and PostgreSQL,
 * see {@link CpuAccount});</li>
 * <li>the admin listing's first, middle and last page at 10 000, 100 000 and 1 000 000
 * registrations;</li>
 * <li>start-to-ready seconds of the first start, of a later one that records its classes and
 * of the one after it with their class-data archive, and resident memory under load.</li>
 * </ul>
 * Run with {@code ./mvnw -B -Pbench verify}; about nine minutes with the build.
 */
public final class StepUpBench {

    /** Client counts; {@code -Dbench.clients=16} runs one, for quick comparisons while profiling. */
    static final int[] CLIENTS = Arrays.stream(System.getProperty("bench.clients", "1,4,16,64").split(","))
            .mapToInt(c -> Integer.parseInt(c.trim())).toArray();
    /** {@code -Dbench.listing=false} skips the admin listing's million rows. */
    static final boolean LISTING = Boolean.parseBoolean(System.getProperty("bench.listing", "true"));
    static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.phase.seconds", 6));
    static final int USERS = Integer.getInteger("bench.users", 2400);
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    static final String ADMIN_TOKEN = "bench-admin-" + System.nanoTime();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final StringBuilder report = new StringBuilder();
    private URI base;
    private String databaseName;
    private CpuAccount cpu;

    public static void main(String[] args) throws Exception {
        String versus = System.getProperty("bench.versus", "");
        if (versus.isBlank()) {
            new StepUpBench().run();
        } else {
            versus(Path.of(versus).toAbsolutePath());
        }
    }

    /** A server of the bench's own, on a database of its own. */
    private record Started(ServerProcess server, Path work, String database, double startSeconds) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            server.close();
            ServerProcess.deleteTree(work);
            sql("postgres", "drop database if exists " + database + " with (force)");
        }
    }

    private Started start(String name, Path war) throws Exception {
        return start(name, war, jvmOptions("bench.server.jvm"), microOptions("bench.server.args"));
    }

    /**
     * The README's small-footprint Payara Micro option, at most 16 request threads, then
     * {@code -Dbench.server.args=...} (this build) or {@code -Dbench.versus.args=...} (the
     * other), split at spaces; a later option wins.
     */
    private static List<String> microOptions(String property) {
        return withOptionsOf(property, "--maxhttpthreads", "16");
    }

    /** {@code defaults}, then the system property {@code property}'s words. */
    private static List<String> withOptionsOf(String property, String... defaults) {
        List<String> options = new ArrayList<>(List.of(defaults));
        String value = System.getProperty(property, "");
        if (!value.isBlank()) {
            options.addAll(Arrays.asList(value.trim().split("\\s+")));
        }
        return options;
    }

    private Started start(String name, Path war, List<String> jvmOptions, List<String> microOptions) throws Exception {
        String database = "stepup_bench_" + System.currentTimeMillis();
        sql("postgres", "create database " + database);
        databaseName = database;
        Path work = Files.createTempDirectory("stepup-bench");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Map<String, String> environment = Map.of(
                "STEPUP_DB_URL", PG + database, "STEPUP_DB_USER", "postgres", "STEPUP_DB_PASSWORD", "unused",
                "STEPUP_BOOTSTRAP_ADMIN_TOKEN", ADMIN_TOKEN,
                "STEPUP_SECRET_KEY", Base64.getEncoder().encodeToString(key),
                "STEPUP_THROTTLE_THRESHOLD", "1000000000",
                // As the README's small-footprint start: glibc keeps two malloc arenas, not one per thread.
                "MALLOC_ARENA_MAX", "2");
        Instant started = Instant.now();
        ServerProcess server = ServerProcess.start(name, environment, work, Ports.free(), war, jvmOptions, microOptions);
        server.awaitReady(Duration.ofSeconds(240));
        base = server.base();
        cpu = new CpuAccount(server.pid(), postmasterPid(database));
        return new Started(server, work, database, Duration.between(started, Instant.now()).toMillis() / 1000.0);
    }

    void run() throws Exception {
        Path war = Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath();
        double firstStart;
        long[] rss = new long[1];
        try (Started started = start("bench", war)) {
            firstStart = started.startSeconds();
            header();
            List<Enrolled> users = enrol(USERS);
            warmUp(CLIENTS[CLIENTS.length - 1], users);
            throughput(users, started.server().pid(), rss);
            if (LISTING) {
                listing(started.database());
            }
        }
        Optional<ArchivedStarts> archivedStarts = startsWithClassArchive(war);
        report.append("\n## Footprint (").append(String.join(" ", jvmOptions("bench.server.jvm"))).append(", ")
                .append(String.join(" ", microOptions("bench.server.args"))).append(", MALLOC_ARENA_MAX=2)\n\n| figure | value |\n|---|---|\n")
                .append(String.format(Locale.ROOT, "| start to ready (process start to HEAD /api/health 200, new database) | %.1f s |%n",
                        firstStart))
                .append(archivedStarts.map(starts -> String.format(Locale.ROOT,
                        "| a later start, recording its classes (-XX:+RecordDynamicDumpInfo) | %.1f s |%n"
                                + "| the start after it, with their class-data archive (-XX:SharedArchiveFile) | %.1f s |%n",
                        starts.recording(), starts.archived()))
                        .orElse("| a start with a class-data archive | not measured: the JDK made no archive |\n"))
                .append(String.format(Locale.ROOT, "| resident memory at the end of the %d-client step-up phase | %d MB |%n",
                        CLIENTS[CLIENTS.length - 1], rss[0] / 1024));
        write();
    }

    /** Seconds to ready of a later start without the archive (it records its classes) and of one with it. */
    record ArchivedStarts(double recording, double archived) {
    }

    /**
     * The README's faster start: a start records its classes
     * ({@code -XX:+RecordDynamicDumpInfo}), {@code jcmd VM.cds dynamic_dump} writes them to a
     * class-data archive once it is ready, and the next start, on a new database, maps them
     * from the archive ({@code -XX:SharedArchiveFile}) instead of loading them. Both follow
     * the bench's first start, so both find the machine's file caches warm. Empty, with the
     * reason logged, where the JDK cannot make an archive.
     */
    private Optional<ArchivedStarts> startsWithClassArchive(Path war) throws Exception {
        Path directory = Files.createTempDirectory("stepup-cds");
        Path archive = directory.resolve("stepup.jsa");
        Path jcmdOutput = directory.resolve("jcmd.txt");
        try {
            List<String> recording = new ArrayList<>(jvmOptions("bench.server.jvm"));
            recording.add("-XX:+RecordDynamicDumpInfo");
            double recordingStart;
            try (Started first = start("bench-cds-record", war, recording, microOptions("bench.server.args"))) {
                recordingStart = first.startSeconds();
                Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(first.server().pid()), "VM.cds", "dynamic_dump", archive.toString())
                        .redirectErrorStream(true).redirectOutput(jcmdOutput.toFile()).start();
                if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0 || !Files.exists(archive)) {
                    jcmd.destroyForcibly();
                    System.err.println("No class-data archive (jcmd VM.cds dynamic_dump): " + Files.readString(jcmdOutput));
                    return Optional.empty();
                }
            }
            List<String> archived = new ArrayList<>(jvmOptions("bench.server.jvm"));
            archived.add("-XX:SharedArchiveFile=" + archive);
            try (Started second = start("bench-cds", war, archived, microOptions("bench.server.args"))) {
                return Optional.of(new ArchivedStarts(recordingStart, second.startSeconds()));
            }
        } finally {
            ServerProcess.deleteTree(directory);
        }
    }

    /**
     * {@code -Dbench.versus=other.war}: this build's WAR and another, each on a server and
     * database of its own, measured in turn (this, other, this, other, ...) at the last of
     * {@code bench.clients}, so that a change is judged by ratios taken minutes apart on the
     * same machine rather than by runs an hour apart.
     */
    private static void versus(Path otherWar) throws Exception {
        int clients = CLIENTS[CLIENTS.length - 1];
        int rounds = Integer.getInteger("bench.rounds", 3);
        StepUpBench self = new StepUpBench();
        StepUpBench other = new StepUpBench();
        try (Started a = self.start("this", Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath());
             Started b = other.start("versus", otherWar, jvmOptions("bench.versus.jvm"), microOptions("bench.versus.args"))) {
            self.header();
            self.report.append("\nThis build (").append(String.join(" ", jvmOptions("bench.server.jvm"))).append(" ")
                    .append(String.join(" ", microOptions("bench.server.args"))).append(") against ")
                    .append(otherWar).append(" (").append(String.join(" ", jvmOptions("bench.versus.jvm"))).append(" ")
                    .append(String.join(" ", microOptions("bench.versus.args"))).append("), ").append(clients)
                    .append(" clients, in turn; start to ready ")
                    .append(String.format(Locale.ROOT, "%.1f s against %.1f s.%n%n", a.startSeconds(), b.startSeconds()))
                    .append("| round | WAR | (a) valid req/s | p50 ms | server CPU ms each | (b) wrong req/s | p50 ms "
                            + "| server CPU ms each | (c) health req/s | p50 ms | server CPU ms each | RSS MB |\n")
                    .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            List<Enrolled> ours = self.enrol(USERS);
            List<Enrolled> theirs = other.enrol(USERS);
            self.warmUp(clients, ours);
            other.warmUp(clients, theirs);
            double[][] sums = new double[2][6];
            for (int round = 1; round <= rounds; round++) {
                for (int side = 0; side < 2; side++) {
                    StepUpBench bench = side == 0 ? self : other;
                    List<Enrolled> users = side == 0 ? ours : theirs;
                    Result valid = bench.valid(clients, validQueue(users));
                    Result wrong = bench.wrong(clients, PHASE, wrongUsers(users));
                    Result health = bench.health(clients, PHASE);
                    long rss = rssKb((side == 0 ? a : b).server().pid()) / 1024;
                    sums[side][0] += valid.perSecond();
                    sums[side][1] += wrong.perSecond();
                    sums[side][2] += health.perSecond();
                    sums[side][3] += valid.cpu().serverMillis();
                    sums[side][4] += wrong.cpu().serverMillis();
                    sums[side][5] += health.cpu().serverMillis();
                    self.report.append(String.format(Locale.ROOT,
                            "| %d | %s | %.0f | %.1f | %.2f | %.0f | %.1f | %.2f | %.0f | %.1f | %.2f | %d |%n",
                            round, side == 0 ? "this" : "versus", valid.perSecond(), valid.p50Millis(), valid.cpu().serverMillis(),
                            wrong.perSecond(), wrong.p50Millis(), wrong.cpu().serverMillis(),
                            health.perSecond(), health.p50Millis(), health.cpu().serverMillis(), rss));
                }
            }
            self.report.append(String.format(Locale.ROOT, "%nThis build / versus, sums over the rounds: throughput (a) %.2f, (b) %.2f,"
                            + " (c) %.2f; server CPU per request (a) %.2f, (b) %.2f, (c) %.2f%n",
                    sums[0][0] / sums[1][0], sums[0][1] / sums[1][1], sums[0][2] / sums[1][2],
                    sums[0][3] / sums[1][3], sums[0][4] / sums[1][4], sums[0][5] / sums[1][5]));
        }
        self.write();
    }

    /**
     * Unmeasured load before the measured phases ({@code bench.warmup.seconds}, 20 by
     * default): the server is measured with its hot path compiled, as a server that has run
     * for a while is, not while the JIT compiler still competes with it for the two cores.
     * Wrong codes mostly, as valid ones are scarce (one per user and time step).
     */
    private void warmUp(int clients, List<Enrolled> users) throws Exception {
        long seconds = Long.getLong("bench.warmup.seconds", 20);
        if (seconds <= 0) {
            return;
        }
        wrong(clients, Duration.ofSeconds(seconds), wrongUsers(users));
        health(clients, Duration.ofSeconds(Math.max(1, seconds / 10)));
    }

    private void write() throws IOException {
        Path out = Path.of("target", "bench", "results.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString(), StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("Written to " + out.toAbsolutePath());
    }

    /**
     * The README's small-footprint JVM options ({@code -Xmx256m}, the serial collector, the C1
     * compiler only, a 64 MB code cache, 512 KB thread stacks), then
     * {@code -Dbench.server.jvm=...} (this build's server) or {@code -Dbench.versus.jvm=...}
     * (the other), split at spaces; a later option wins (for example a flight recording, or
     * {@code -XX:TieredStopAtLevel=4} for C2 as well).
     */
    private static List<String> jvmOptions(String property) {
        return withOptionsOf(property, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=64m", "-Xss512k");
    }

    private void header() throws IOException {
        report.append("# StepUp benchmark, ").append(Instant.now().toString(), 0, 10).append("\n\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ")).append("; ")
                .append("Java ").append(System.getProperty("java.version"))
                .append("; PostgreSQL on 127.0.0.1; server, database and load driver on the same machine.\n")
                .append("Each phase runs ").append(PHASE.toSeconds()).append(" s per client count.\n");
    }

    // ---------------------------------------------------------------- setup

    /** A user with a confirmed registration, its token and authenticator. */
    static final class Enrolled {
        final String token;
        final TestTotp totp;
        long lastStep;

        Enrolled(String token, TestTotp totp, long lastStep) {
            this.token = token;
            this.totp = totp;
            this.lastStep = lastStep;
        }
    }

    private List<Enrolled> enrol(int count) throws Exception {
        Api admin = Api.at(base).token(ADMIN_TOKEN);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Enrolled>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            futures.add(pool.submit(() -> {
                String id = admin.post("/api/users", "{\"type\":\"User\",\"username\":\"bench-" + n + "\"}").string("userId");
                String token = admin.post("/api/users/" + id + "/tokens", "{}").string("token");
                Api me = Api.at(base).token(token);
                String uri = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json()
                        .getJsonObject("additionalDetails").getString("uri");
                TestTotp totp = TestTotp.fromUri(uri);
                long step = totp.currentStep();
                Api.Reply verified = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.code(step) + "\"}");
                if (verified.status() != 200) {
                    throw new IllegalStateException("Enrolment failed: " + verified);
                }
                return new Enrolled(token, totp, step);
            }));
        }
        List<Enrolled> users = new ArrayList<>();
        for (Future<Enrolled> future : futures) {
            users.add(future.get());
        }
        pool.shutdown();
        return users;
    }

    // ---------------------------------------------------------------- throughput

    record Result(double perSecond, double p50Millis, double p99Millis, long requests, long unexpected, CpuAccount.Usage cpu) {
    }

    /** pgbench's transactions a second and average latency, and the CPU each transaction took. */
    record Pgbench(double perSecond, double averageMillis, CpuAccount.Usage cpu) {
    }

    private void throughput(List<Enrolled> users, long pid, long[] rss) throws Exception {
        ConcurrentLinkedQueue<Enrolled> valid = validQueue(users);
        List<Enrolled> wrongUsers = wrongUsers(users);
        report.append("\n## Step-up hot path\n\n")
                .append("| clients | (a) valid codes req/s | p50 ms | p99 ms | (b) wrong codes req/s | p50 ms | p99 ms "
                        + "| (c) HEAD /api/health req/s | p50 ms | p99 ms | (d) pgbench accept SQL tx/s | avg ms "
                        + "| (e) pgbench whole step-up SQL tx/s | avg ms | (a)/(d) | (a)/(e) | (b)/(c) |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        PgbenchScripts scripts = pgbenchScripts(users.size());
        StringBuilder cpuTable = new StringBuilder("\n### Where the cores go\n\n"
                + "CPU milliseconds per request (per transaction for pgbench) of the load driver (pgbench in (d) and (e)), "
                + "the server and PostgreSQL, from /proc; busy is their sum's share of the machine's cores.\n\n"
                + "| clients | phase | driver ms | server ms | PostgreSQL ms | together ms | cores busy |\n"
                + "|---:|---|---:|---:|---:|---:|---:|\n");
        for (int clients : CLIENTS) {
            Result valid1 = valid(clients, valid);
            if (clients == CLIENTS[CLIENTS.length - 1]) {
                rss[0] = rssKb(pid);
            }
            Result wrong = wrong(clients, PHASE, wrongUsers);
            Result health = health(clients, PHASE);
            Pgbench accept = pgbench(clients, scripts.accept());
            Pgbench stepUp = pgbench(clients, scripts.stepUp());
            report.append(String.format(Locale.ROOT,
                    "| %d | %.0f | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f | %.1f | %.0f | %.1f "
                            + "| %.0f %% | %.0f %% | %.0f %% |%n",
                    clients, valid1.perSecond(), valid1.p50Millis(), valid1.p99Millis(),
                    wrong.perSecond(), wrong.p50Millis(), wrong.p99Millis(),
                    health.perSecond(), health.p50Millis(), health.p99Millis(),
                    accept.perSecond(), accept.averageMillis(), stepUp.perSecond(), stepUp.averageMillis(),
                    100 * valid1.perSecond() / accept.perSecond(), 100 * valid1.perSecond() / stepUp.perSecond(),
                    100 * wrong.perSecond() / health.perSecond()));
            if (valid1.unexpected() > 0 || wrong.unexpected() > 0) {
                report.append("\n(unexpected answers: ").append(valid1.unexpected()).append(" in (a), ")
                        .append(wrong.unexpected()).append(" in (b))\n\n");
            }
            cpuRow(cpuTable, clients, "(a) valid codes", valid1.cpu());
            cpuRow(cpuTable, clients, "(b) wrong codes", wrong.cpu());
            cpuRow(cpuTable, clients, "(c) HEAD /api/health", health.cpu());
            cpuRow(cpuTable, clients, "(d) pgbench accept SQL", accept.cpu());
            cpuRow(cpuTable, clients, "(e) pgbench whole step-up SQL", stepUp.cpu());
        }
        report.append(cpuTable);
    }

    private static void cpuRow(StringBuilder table, int clients, String phase, CpuAccount.Usage usage) {
        table.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f | %.2f | %.0f %% |%n", clients, phase,
                usage.driverMillis(), usage.serverMillis(), usage.databaseMillis(), usage.allMillis(), usage.busyPercent()));
    }

    /** Three quarters of the users serve (a), each valid code used once. */
    private static ConcurrentLinkedQueue<Enrolled> validQueue(List<Enrolled> users) {
        return new ConcurrentLinkedQueue<>(users.subList(0, users.size() * 3 / 4));
    }

    /** The other quarter serve (b). */
    private static List<Enrolled> wrongUsers(List<Enrolled> users) {
        return users.subList(users.size() - users.size() / 4, users.size());
    }

    /** (a): step-up with valid codes, each a real success. */
    private Result valid(int clients, ConcurrentLinkedQueue<Enrolled> valid) throws Exception {
        return load(clients, PHASE, i -> {
            Enrolled user = nextUsable(valid);
            if (user == null) {
                return null;
            }
            long step;
            synchronized (user) {
                step = Math.max(user.totp.currentStep(), user.lastStep + 1);
                user.lastStep = step;
            }
            valid.add(user);
            return post(user.token, "/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp.code(step) + "\"}");
        }, body -> body.contains("SUCCESS"));
    }

    /** (b): step-up with wrong codes, below the (raised) throttle. */
    private Result wrong(int clients, Duration phase, List<Enrolled> wrongUsers) throws Exception {
        AtomicLong next = new AtomicLong();
        return load(clients, phase, i -> {
            Enrolled user = wrongUsers.get((int) (next.getAndIncrement() % wrongUsers.size()));
            return post(user.token, "/api/step-up/authenticate/TOTP", "{\"otp\":\"" + user.totp.wrongCode() + "\"}");
        }, body -> body.contains("FAILED"));
    }

    /** (c): the bare server. */
    private Result health(int clients, Duration phase) throws Exception {
        return load(clients, phase, i -> HttpRequest.newBuilder(base.resolve("api/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), body -> true);
    }

    /** A user whose next code is within the accepted skew now; null if none is. */
    private static Enrolled nextUsable(ConcurrentLinkedQueue<Enrolled> queue) {
        for (int tries = 0; tries < queue.size() + 1; tries++) {
            Enrolled user = queue.poll();
            if (user == null) {
                return null;
            }
            synchronized (user) {
                if (user.lastStep + 1 <= user.totp.currentStep() + 1) {
                    return user;
                }
            }
            queue.add(user);
        }
        return null;
    }

    private HttpRequest post(String token, String path, String json) {
        return HttpRequest.newBuilder(base.resolve(path.substring(1)))
                .header("Authorization", "TOKEN " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private Result load(int clients, Duration phase, Function<Integer, HttpRequest> requests,
                        Predicate<String> expected) throws Exception {
        CpuAccount.Sample cpuBefore = cpu.sample();
        Instant end = Instant.now().plus(phase);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<long[]>> futures = new ArrayList<>();
        AtomicLong unexpected = new AtomicLong();
        Instant begin = Instant.now();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                long[] latencies = new long[1 << 16];
                int n = 0;
                while (Instant.now().isBefore(end)) {
                    HttpRequest request = requests.apply(n);
                    if (request == null) {
                        break;
                    }
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - t0;
                    if (response.statusCode() >= 400 || !expected.test(response.body())) {
                        unexpected.incrementAndGet();
                    }
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                }
                return Arrays.copyOf(latencies, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> future : futures) {
            all.add(future.get());
        }
        double seconds = Duration.between(begin, Instant.now()).toNanos() / 1e9;
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        CpuAccount.Usage usage = cpu.since(cpuBefore, merged.length);
        if (merged.length == 0) {
            return new Result(0, 0, 0, 0, unexpected.get(), usage);
        }
        return new Result(merged.length / seconds, merged[merged.length / 2] / 1e6,
                merged[(int) Math.min(merged.length - 1, Math.floor(merged.length * 0.99))] / 1e6, merged.length,
                unexpected.get(), usage);
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- pgbench

    /** The two pgbench scripts: (d) the accept path's writes, (e) every statement of a step-up. */
    record PgbenchScripts(Path accept, Path stepUp) {
    }

    /**
     * pgbench's scripts, on copies of the tables a step-up touches. (d) is the accept path's
     * writes: the conditional update of a registration's replay and throttle state and the
     * insert of a completion ID, in one transaction. (e) is what an accepted step-up sends,
     * statement for statement as PostgreSQL's log shows them: the token check (token,
     * identity and roles in one query), then in one transaction the registration's read,
     * the conditional update, the audit insert and the completion insert.
     */
    private PgbenchScripts pgbenchScripts(int rows) throws Exception {
        try (Connection connection = DriverManager.getConnection(PG + databaseName, "postgres", "");
             Statement s = connection.createStatement()) {
            s.execute("create table bench_identity (like identity including all)");
            for (String table : new String[] {"identity_role", "api_token", "registration", "completion_id"}) {
                s.execute("create table bench_" + table + " (like " + table + " including all)");
                s.execute("alter table bench_" + table + " add foreign key (identity_id) references bench_identity (id) on delete cascade");
            }
            s.execute("create table bench_audit_event (like audit_event including all)");
            s.execute("insert into bench_identity (id, type, username, status, created_at, source)"
                    + " select 'B' || lpad(n::text, 19, '0'), 'User', 'b' || n, 'active', now(), 'local' from generate_series(1, " + rows + ") n");
            s.execute("insert into bench_identity_role (identity_id, role) select id, 'User' from bench_identity");
            s.execute("insert into bench_api_token (identity_id, token_hash, expiration_days, created_at, last_used_at)"
                    + " select id, 'T' || lpad(substr(id, 2), 63, '0'), 90, now(), now() from bench_identity");
            s.execute("insert into bench_registration (identity_id, factor, status, secret_ciphertext, key_id, hash_function, digits,"
                    + " time_step, created_at, last_step, failures)"
                    + " select id, 'TOTP', 'REGISTERED', 'x', 'k', 'SHA1', 6, 30, timestamp '2026-01-01', 0, 0 from bench_identity");
            s.execute("analyze");
        }
        String id = "'B' || lpad(:n::text, 19, '0')";
        String update = "UPDATE bench_registration SET last_step = last_step + 1, failures = 0, last_failure_at = NULL,"
                + " last_used_at = now(), last_step_up_at = now()"
                + " WHERE identity_id = " + id + " AND factor = 'TOTP' AND status = 'REGISTERED'"
                + " AND created_at = timestamp '2026-01-01' AND last_step < 9000000000000000000 AND failures = 0;";
        String completion = "INSERT INTO bench_completion_id (id_hash, identity_id, expires_at)"
                + " VALUES (md5(random()::text) || md5(random()::text), " + id + ", now() + interval '5 seconds');";
        Path accept = Files.createTempFile("stepup-accept", ".sql");
        accept.toFile().deleteOnExit();
        Files.writeString(accept, String.join("\n", "\\set n random(1, " + rows + ")", "BEGIN;", update, completion, "END;", ""),
                StandardCharsets.UTF_8);
        Path stepUp = Files.createTempFile("stepup-step-up", ".sql");
        stepUp.toFile().deleteOnExit();
        Files.writeString(stepUp, String.join("\n", "\\set n random(1, " + rows + ")",
                "SELECT t.identity_id, t.created_at, t.expiration_days, t.last_used_at, t.token_hash, i.id, i.created_at,"
                        + " i.email, i.first_name, i.last_name, i.password_hash, r.identity_id, r.role,"
                        + " i.source, i.status, i.type, i.username"
                        + " FROM bench_api_token t JOIN bench_identity i ON i.id = t.identity_id"
                        + " LEFT JOIN bench_identity_role r ON i.id = r.identity_id"
                        + " WHERE t.token_hash = 'T' || lpad(:n::text, 63, '0');",
                "BEGIN;",
                "SELECT status, secret_ciphertext, key_id, hash_function, digits, time_step, created_at, last_step, failures,"
                        + " last_failure_at FROM bench_registration WHERE identity_id = " + id + " AND factor = 'TOTP';",
                update,
                "INSERT INTO bench_audit_event (actor_id, details, outcome, source_ip, target_id, event_time, type)"
                        + " VALUES (" + id + ", NULL, 'SUCCESS', '127.0.0.1', " + id + ", now(), 'STEP_UP') RETURNING *;",
                completion, "END;", ""), StandardCharsets.UTF_8);
        return new PgbenchScripts(accept, stepUp);
    }

    /**
     * pgbench with server-side prepared statements ({@code -M prepared}), as the server's
     * JDBC driver uses them once a statement has run a few times on a connection.
     */
    private Pgbench pgbench(int clients, Path script) throws Exception {
        CpuAccount.Sample cpuBefore = cpu.sample();
        Process process = new ProcessBuilder("pgbench", "-n", "-M", "prepared", "-h", "127.0.0.1", "-U", "postgres", "-c", Integer.toString(clients),
                "-j", Integer.toString(Math.min(clients, 2)), "-T", Long.toString(PHASE.toSeconds()), "-f", script.toString(),
                databaseName).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("pgbench failed: " + output);
        }
        Thread.sleep(200); // pgbench's backends end after it does; their CPU counts once the postmaster has reaped them
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(output);
        Matcher latency = Pattern.compile("latency average = ([0-9.]+) ms").matcher(output);
        Matcher transactions = Pattern.compile("number of transactions actually processed: ([0-9]+)").matcher(output);
        if (!tps.find() || !latency.find() || !transactions.find()) {
            throw new IllegalStateException("pgbench said: " + output);
        }
        return new Pgbench(Double.parseDouble(tps.group(1)), Double.parseDouble(latency.group(1)),
                cpu.since(cpuBefore, Long.parseLong(transactions.group(1))));
    }

    // ---------------------------------------------------------------- listing

    private void listing(String database) throws Exception {
        report.append("\n## Admin listing (page size 100, status=REGISTERED, median of 7 requests)\n\n")
                .append("| registrations | first page ms | middle page ms | last page ms |\n|---:|---:|---:|---:|\n");
        Api admin = Api.at(base).token(ADMIN_TOKEN);
        int seeded = 0;
        for (int target : new int[] {10_000, 100_000, 1_000_000}) {
            sql(database, "insert into identity (id, type, username, status, created_at, source)"
                    + " select 'L' || lpad(n::text, 19, '0'), 'User', 'listed-' || n, 'active', now(), 'local'"
                    + " from generate_series(" + (seeded + 1) + ", " + target + ") n");
            sql(database, "insert into registration (identity_id, factor, status, secret_ciphertext, key_id, hash_function,"
                    + " digits, time_step, created_at, last_step, failures)"
                    + " select 'L' || lpad(n::text, 19, '0'), 'TOTP', 'REGISTERED', 'x', 'seeded', 'SHA1', 6, 30, now(), -1, 0"
                    + " from generate_series(" + (seeded + 1) + ", " + target + ") n");
            sql(database, "analyze registration");
            seeded = target;
            long count = admin.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED&size=1").json().getJsonNumber("count").longValue();
            long last = (count - 1) / 100;
            report.append(String.format(Locale.ROOT, "| %,d | %.1f | %.1f | %.1f |%n", count,
                    median(admin, 0), median(admin, last / 2), median(admin, last)));
        }
    }

    private static double median(Api admin, long page) {
        double[] times = new double[7];
        for (int i = 0; i < times.length; i++) {
            long t0 = System.nanoTime();
            Api.Reply reply = admin.get("/api/mfa/admin/registrations/TOTP?status=REGISTERED&size=100&page=" + page);
            times[i] = (System.nanoTime() - t0) / 1e6;
            if (reply.status() != 200 || reply.json().getJsonArray("data").isEmpty()) {
                throw new IllegalStateException("Listing failed: " + reply);
            }
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }

    /** The PostgreSQL server the bench uses: the parent of a backend of its own connection. */
    private static long postmasterPid(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(PG + database, "postgres", "");
             Statement s = connection.createStatement();
             var rows = s.executeQuery("select pg_backend_pid()")) {
            rows.next();
            long backend = rows.getLong(1);
            return ProcessHandle.of(backend).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL's postmaster is not visible from here "
                            + "(backend " + backend + "); the bench counts its CPU and must run on the database's machine"));
        }
    }

    private static void sql(String database, String statement) throws SQLException {
        try (Connection connection = DriverManager.getConnection(PG + database, "postgres", "");
             Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }
}
