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
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The StepUp benchmark: the WAR on Payara Micro, started as the README's production start,
 * against Keycloak's password and TOTP grant, both on PostgreSQL on this machine and driven
 * over HTTP by the JDK's client. It prints (and writes to {@code target/bench/results.md}) a
 * Markdown report, and a chart to {@code target/bench/step-ups.svg}:
 * <ul>
 * <li>at each size of {@code bench.sizes} (10 000 and 100 000 users, seeded into the tables):
 * accepted step-ups a second at each of {@code bench.clients} (the chart), then rounds of
 * valid codes, wrong codes and a bare {@code HEAD /api/health} at {@code bench.cost.clients},
 * with the CPU per request of the server and of PostgreSQL (see {@link CpuAccount}) and the WAL
 * and writing transactions per request counted from a checkpoint;</li>
 * <li>Keycloak the same way at the first size, its rounds alternating with StepUp's;</li>
 * <li>restart to ready of both, and resident memory under load;</li>
 * <li>with {@code -Dbench.listing=true}, the admin listing's first, middle and last page at
 * 10 000, 100 000 and 1 000 000 registrations.</li>
 * </ul>
 * Run with {@code ./mvnw -B -Pbench verify}. {@code -Dbench.versus=other.war} compares this
 * build with another WAR instead (see {@link #versus}).
 */
public final class StepUpBench {

    /** Client counts; {@code -Dbench.clients=16} runs one, for quick comparisons while profiling. */
    static final int[] CLIENTS = Arrays.stream(System.getProperty("bench.clients", "1,4,16,64").split(","))
            .mapToInt(c -> Integer.parseInt(c.trim())).toArray();
    /** {@code -Dbench.listing=true} adds the admin listing at up to a million rows. */
    static final boolean LISTING = Boolean.parseBoolean(System.getProperty("bench.listing", "false"));
    static final Duration PHASE = Duration.ofSeconds(Long.getLong("bench.phase.seconds", 8));
    static final int USERS = Integer.getInteger("bench.users", 2400);
    static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    static final String ADMIN_TOKEN = "bench-admin-" + System.nanoTime();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final StringBuilder report = new StringBuilder();
    private URI base;
    private String databaseName;
    private CpuAccount cpu;
    private Seeder seeder;

    public static void main(String[] args) throws Exception {
        String versus = System.getProperty("bench.versus", "");
        if (versus.isBlank()) {
            new StepUpBench().run();
        } else {
            versus(Path.of(versus).toAbsolutePath());
        }
    }

    /**
     * A server of the bench's own, on a database of its own, started as the README's
     * production start; {@link #restart} stops it and starts it again on the same database.
     */
    private final class Started implements AutoCloseable {
        private final String name;
        private final Path war;
        private final List<String> jvm;
        private final List<String> micro;
        private final Map<String, String> environment;
        private final Path work;
        private final String database;
        private final int port;
        /** The production launcher script, or null for a plain {@code java -jar} start. */
        private final Path launcher;
        /** Where the launcher's options come from: {@code bench.server} (this build) or {@code bench.versus}. */
        private final String options;
        private ServerProcess server;
        private double startSeconds;

        Started(String name, Path war, List<String> jvm, List<String> micro, Map<String, String> environment, Path work,
                String database, Path launcher, String options) throws Exception {
            this.name = name;
            this.war = war;
            this.jvm = jvm;
            this.micro = micro;
            this.environment = environment;
            this.work = work;
            this.database = database;
            this.port = Ports.free();
            this.launcher = launcher;
            this.options = options;
            launch();
        }

        private void launch() throws Exception {
            Instant started = Instant.now();
            server = launcher == null ? ServerProcess.start(name, environment, work, port, war, jvm, micro)
                    : ServerProcess.startCommand(name, launcherEnvironment(), work, port, launcherCommand());
            server.awaitReady(Duration.ofSeconds(240));
            startSeconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
            base = server.base();
            cpu = new CpuAccount(server.pid(), postmasterPid(database));
        }

        /**
         * The README's production start, {@code server-config/stepup-start}: its own JVM options,
         * post-boot commands and logging, a state directory of this server's, and the options
         * the bench adds ({@code bench.server.jvm}, {@code bench.server.args} and
         * {@code bench.server.env}, {@code NAME=value} words; or those of {@code bench.versus}).
         */
        private List<String> launcherCommand() {
            List<String> command = new ArrayList<>(List.of("bash", launcher.toString(), "--port", Integer.toString(port)));
            command.addAll(microOptions(options + ".args"));
            return command;
        }

        private Map<String, String> launcherEnvironment() {
            Map<String, String> launch = new java.util.HashMap<>(environment);
            launch.put("STEPUP_WAR", war.toString());
            launch.put("STEPUP_PAYARA_JAR", Path.of(System.getProperty("payara.microJar", "target/payara-micro.jar")).toAbsolutePath()
                    .toString());
            launch.put("STEPUP_STATE_DIR", work.resolve("state").toString());
            launch.put("JAVA_HOME", System.getProperty("java.home"));
            launch.put("STEPUP_JAVA_OPTS", System.getProperty(options + ".jvm", ""));
            for (String setting : withOptionsOf(options + ".env")) {
                int equals = setting.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException(options + ".env takes NAME=value words, not " + setting);
                }
                launch.put(setting.substring(0, equals), setting.substring(equals + 1));
            }
            return launch;
        }

        /**
         * Waits until the launcher's first start has written its archive (a class-data archive,
         * or the AOT cache on Java 25 and later) and the
         * server that maps it is ready, so that neither the dump nor the switch from the
         * recording run (which answers for a few seconds before it is stopped) falls into a
         * measured phase.
         */
        void awaitClassArchive() throws Exception {
            if (launcher == null) {
                return;
            }
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            while (!Files.readString(server.log()).matches("(?s).*: starting with the (class-data archive|AOT cache) .*")) {
                if (!server.isAlive()) {
                    throw new IllegalStateException(name + " stopped during its first start; log " + server.log());
                }
                if (Instant.now().isAfter(deadline)) {
                    System.err.println("No archive after 4 minutes: restarts are measured without it");
                    return;
                }
                Thread.sleep(500);
            }
            server.awaitReady(Duration.ofSeconds(240));
        }

        /** Stops the server and starts it again on the same database; the seconds to ready. */
        double restart() throws Exception {
            server.close();
            launch();
            return startSeconds;
        }

        ServerProcess server() {
            return server;
        }

        double startSeconds() {
            return startSeconds;
        }

        String database() {
            return database;
        }

        @Override
        public void close() throws SQLException {
            server.close();
            ServerProcess.deleteTree(work);
            sql("postgres", "drop database if exists " + database + " with (force)");
        }
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
        return start(name, war, jvmOptions, microOptions, null, "bench.server");
    }

    private Started start(String name, Path war, List<String> jvmOptions, List<String> microOptions, Path launcher,
                          String options) throws Exception {
        String database = "stepup_bench_" + System.currentTimeMillis();
        sql("postgres", "create database " + database);
        databaseName = database;
        Path work = Files.createTempDirectory("stepup-bench");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        seeder = new Seeder(PG + database, key);
        Map<String, String> environment = Map.of(
                "STEPUP_DB_URL", PG + database, "STEPUP_DB_USER", "postgres", "STEPUP_DB_PASSWORD", "unused",
                "STEPUP_BOOTSTRAP_ADMIN_TOKEN", ADMIN_TOKEN,
                "STEPUP_SECRET_KEY", Base64.getEncoder().encodeToString(key),
                "STEPUP_THROTTLE_THRESHOLD", "1000000000",
                // As the README's small-footprint start: glibc keeps two malloc arenas, not one per thread.
                "MALLOC_ARENA_MAX", "2");
        return new Started(name, war, jvmOptions, microOptions, environment, work, database, launcher, options);
    }

    /** Users at each size: the bench seeds up to each in turn and measures every phase there. */
    static final int[] SIZES = ints("bench.sizes", "10000,100000");
    /** The client count of the cost table (the chart takes every one of {@link #CLIENTS}). */
    static final int COST_CLIENTS = Integer.getInteger("bench.cost.clients", 16);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    /** {@code -Dbench.launcher=false} starts StepUp with {@code java -jar} and the production options instead of the launcher script. */
    static final boolean LAUNCHER = Boolean.parseBoolean(System.getProperty("bench.launcher", "true"));
    /** {@code -Dbench.keycloak=false} leaves Keycloak out. */
    static final boolean KEYCLOAK = Boolean.parseBoolean(System.getProperty("bench.keycloak", "true"));

    private static int[] ints(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(",")).mapToInt(c -> Integer.parseInt(c.trim())).toArray();
    }

    /**
     * One system under load: how a step-up with a code is asked of it, what a success and a
     * refusal of a wrong code look like, and its users.
     */
    private record Side(String name, StepUpBench bench, LongSupplier pid, BiFunction<Enrolled, String, HttpRequest> stepUp,
                        Predicate<HttpResponse<String>> accepted, Predicate<HttpResponse<String>> refused,
                        List<Enrolled> users, boolean bare) {

        Result valid(int clients) throws Exception {
            return bench.valid(clients, validQueue(users), stepUp, accepted);
        }

        Result wrong(int clients, Duration phase) throws Exception {
            return bench.wrong(clients, phase, wrongUsers(users), stepUp, refused);
        }
    }

    /** A phase's result with what PostgreSQL wrote for it, per request. */
    record Measured(Result result, double walBytes, double writeTransactions, double blocksRead) {
    }

    /** The medians over the rounds at one size, for one system. */
    record Costs(Measured valid, Measured wrong, Result bare, Restart restart, long rssMb) {
    }

    /**
     * The medians over the restarts, each figure's median taken on its own: seconds to ready,
     * and the server's CPU seconds read just after ready (all, the JIT compiler threads', C2's).
     */
    record Restart(double seconds, double cpuSeconds, double compilerSeconds, double c2Seconds) {

        static final Restart NONE = new Restart(0, 0, 0, 0);

        static Restart medianOf(double[] seconds, List<CpuAccount.Threads> cpu) {
            return seconds.length == 0 ? NONE : new Restart(median(seconds),
                    median(cpu.stream().mapToDouble(CpuAccount.Threads::seconds).toArray()),
                    median(cpu.stream().mapToDouble(CpuAccount.Threads::compilerSeconds).toArray()),
                    median(cpu.stream().mapToDouble(CpuAccount.Threads::c2Seconds).toArray()));
        }
    }

    void run() throws Exception {
        Path war = Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath();
        header();
        report.append("StepUp is started as the README's production start (")
                .append(LAUNCHER ? "server-config/stepup-start " + String.join(" ", microOptions("bench.server.args"))
                        + withOptionsOf("bench.server.env").stream().map(StepUpBench::shownSetting).collect(Collectors.joining())
                        + ", which makes a class-data archive (an AOT cache on Java 25 and later) on its first start and maps it"
                        + " on later ones"
                        : String.join(" ", jvmOptions("bench.server.jvm")) + " ... " + String.join(" ", productionOptions()))
                .append("), on a database of its own; users are seeded ")
                .append("into its tables (an enrolment's rows, secrets sealed under its key). Costs are per request at ")
                .append(COST_CLIENTS).append(" clients, medians of ").append(ROUNDS).append(" rounds; WAL and write transactions ")
                .append("are counted from a CHECKPOINT at the start of each phase (the worst case: every page first touched ")
                .append("after it is written whole).\n");
        Map<Integer, Costs> ours = new java.util.LinkedHashMap<>();
        Costs theirs = null;
        Chart chart = new Chart("Accepted step-ups a second (" + PHASE.toSeconds() + " s phases, this machine)", CLIENTS);
        try (Started stepUp = start("bench", war, jvmOptions("bench.server.jvm"), productionOptions(), LAUNCHER ? launcher() : null,
                "bench.server");
             KeycloakServer keycloak = KEYCLOAK ? KeycloakServer.start(KeycloakServer.home(), SIZES[0], Ports.free()) : null) {
            stepUp.awaitClassArchive();
            List<Enrolled> users = new ArrayList<>();
            Side stepUpSide = stepUpSide(users, stepUp);
            Side keycloakSide = keycloak == null ? null : keycloakSide(keycloak);
            if (keycloak != null) {
                report.append(String.format(Locale.ROOT, "%s (start-dev, its own database on the same PostgreSQL, "
                        + "%d users imported with a 1-iteration password policy), started in %.1f s: a password and TOTP "
                        + "grant per step-up.%n", KeycloakServer.home().getFileName(), keycloak.users(), keycloak.startSeconds()));
            }
            for (int size : SIZES) {
                progress("seeding users up to %,d", size);
                users.addAll(seeder.seed(size - users.size()));
                boolean compare = keycloakSide != null && size == SIZES[0];
                warmUp(stepUpSide);
                if (compare) {
                    warmUp(keycloakSide);
                }
                progress("curve of accepted step-ups against clients at %,d users", size);
                chart.line(String.format(Locale.ROOT, "StepUp, %,d users", size), curve(stepUpSide));
                if (compare) {
                    chart.line(String.format(Locale.ROOT, "Keycloak, %,d users", keycloak.users()), curve(keycloakSide));
                }
                List<Round> rounds = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    List<Side> order = compare ? (round % 2 == 0 ? List.of(stepUpSide, keycloakSide) : List.of(keycloakSide, stepUpSide))
                            : List.of(stepUpSide);
                    for (Side side : order) {
                        progress("round %d of %d at %,d users: %s", round + 1, ROUNDS, size, side.name());
                        rounds.add(roundOf(side));
                    }
                }
                ours.put(size, medians(rounds, stepUpSide));
                if (compare) {
                    theirs = medians(rounds, keycloakSide);
                }
            }
            // -Dbench.restarts=0 keeps the first server to the end (a flight recording of its load, say).
            int restartCount = Integer.getInteger("bench.restarts", ROUNDS);
            double[] restarts = new double[restartCount];
            double[] keycloakRestarts = new double[restartCount];
            List<CpuAccount.Threads> restartCpu = new ArrayList<>();
            List<CpuAccount.Threads> keycloakRestartCpu = new ArrayList<>();
            for (int round = 0; round < restartCount; round++) {
                progress("restart %d of %d", round + 1, restartCount);
                restarts[round] = stepUp.restart();
                restartCpu.add(CpuAccount.threads(stepUp.server().pid()));
                if (keycloak != null) {
                    keycloakRestarts[round] = keycloak.restart();
                    keycloakRestartCpu.add(CpuAccount.threads(keycloak.pid()));
                }
            }
            int last = SIZES[SIZES.length - 1];
            Costs lastCosts = ours.get(last);
            ours.put(last, new Costs(lastCosts.valid(), lastCosts.wrong(), lastCosts.bare(),
                    Restart.medianOf(restarts, restartCpu), lastCosts.rssMb()));
            if (theirs != null) {
                theirs = new Costs(theirs.valid(), theirs.wrong(), theirs.bare(),
                        Restart.medianOf(keycloakRestarts, keycloakRestartCpu), theirs.rssMb());
            }
            if (LISTING) {
                listing(stepUp.database());
            }
        }
        costTable(ours, theirs);
        Path svg = Path.of("target", "bench", "step-ups.svg");
        Files.createDirectories(svg.getParent());
        Files.writeString(svg, chart.svg(), StandardCharsets.UTF_8);
        report.append("\nChart: ").append(svg).append('\n');
        write();
    }

    /**
     * The README's production start: its post-boot commands (the internal listener for
     * /metrics and /openapi, no X-Powered-By) and one-line logging, and the small-footprint
     * cap of 16 request threads.
     */
    private static List<String> productionOptions() {
        Path config = Path.of(System.getProperty("stepup.serverConfig", "../server-config")).toAbsolutePath().normalize();
        List<String> options = new ArrayList<>(List.of("--postbootcommandfile", config.resolve("post-boot-commands.asadmin").toString(),
                "--logProperties", config.resolve("logging.properties").toString()));
        options.addAll(microOptions("bench.server.args"));
        return options;
    }

    private static Path launcher() {
        return Path.of(System.getProperty("stepup.serverConfig", "../server-config"), "stepup-start").toAbsolutePath().normalize();
    }

    private Side stepUpSide(List<Enrolled> users, Started stepUp) {
        return new Side("StepUp", this, () -> stepUp.server().pid(),
                (user, code) -> post(user.token, "/api/step-up/authenticate/TOTP", "{\"otp\":\"" + code + "\"}"),
                response -> response.statusCode() == 200 && response.body().contains("SUCCESS"),
                response -> response.statusCode() == 200 && response.body().contains("FAILED"), users, true);
    }

    private static Side keycloakSide(KeycloakServer keycloak) throws Exception {
        StepUpBench bench = new StepUpBench();
        bench.cpu = new CpuAccount(keycloak.pid(), postmasterPid(keycloak.database()));
        List<Enrolled> users = new ArrayList<>();
        for (int i = 0; i < keycloak.users(); i++) {
            users.add(new Enrolled(Integer.toString(i), keycloak.totp(i), 0));
        }
        return new Side("Keycloak", bench, keycloak::pid, (user, code) -> keycloak.login(Integer.parseInt(user.token), code),
                response -> response.statusCode() == 200 && response.body().contains("access_token"),
                // Keycloak refuses a wrong code as it refuses a wrong password: 400 invalid_grant.
                response -> response.statusCode() == 400 && response.body().contains("invalid_grant"), users, false);
    }

    /**
     * Load until the rate stops rising: rounds of wrong codes ({@code bench.warmup.seconds}, 6
     * by default) and a few valid ones (a third of that; valid codes are scarce, one per user
     * and time step) at the cost table's client count, until two rounds in a row answer wrong
     * codes less than 3 % faster than the best round before them (at least
     * {@code bench.warmup.minRounds}, 10 by default, at most {@code bench.warmup.rounds}, 20).
     * Two, not one: on the shared machine one slow round ended a warm-up before the JIT had
     * finished. At least ten: on Java 25 with its AOT cache, StepUp answered about 700 wrong
     * codes a second for the first four rounds and 1 300 later.
     */
    private void warmUp(Side side) throws Exception {
        progress("warming up %s", side.name());
        int most = Integer.getInteger("bench.warmup.rounds", 20);
        int least = Integer.getInteger("bench.warmup.minRounds", 10);
        Duration wrong = Duration.ofSeconds(Long.getLong("bench.warmup.seconds", 6));
        Duration valid = Duration.ofMillis(Math.max(1000, wrong.toMillis() / 3));
        double best = 0;
        int flat = 0;
        int round = 0;
        for (; round < most; round++) {
            side.bench().load(COST_CLIENTS, valid, validRequests(validQueue(side.users()), side.stepUp()), side.accepted());
            double rate = side.wrong(COST_CLIENTS, wrong).perSecond();
            flat = rate < best * 1.03 ? flat + 1 : 0;
            if (round >= least - 1 && flat >= 2) {
                break;
            }
            best = Math.max(best, rate);
        }
        report.append(String.format(Locale.ROOT, "%s warmed up in %d rounds (%.0f wrong codes a second at the end).%n",
                side.name(), round, best));
    }

    /** One line on standard error for each step of the bench, which runs for minutes. */
    static void progress(String format, Object... arguments) {
        System.err.printf(Locale.ROOT, "[bench %tT] %s%n", java.time.LocalTime.now(), String.format(Locale.ROOT, format, arguments));
    }

    /** Accepted step-ups a second at each of {@link #CLIENTS}. */
    private static double[] curve(Side side) throws Exception {
        double[] rates = new double[CLIENTS.length];
        for (int i = 0; i < CLIENTS.length; i++) {
            rates[i] = side.valid(CLIENTS[i]).perSecond();
        }
        return rates;
    }

    /** One round on one system: valid codes, wrong codes, the bare request (null where there is none), and its memory. */
    record Round(Side side, Measured valid, Measured wrong, Result bare, long rssMb) {
    }

    /** One round on one system; its resident memory is read at the end of the valid codes. */
    private static Round roundOf(Side side) throws Exception {
        Measured valid = side.bench().measured(() -> side.valid(COST_CLIENTS));
        long rss = rssKb(side.pid().getAsLong()) / 1024;
        Measured wrong = side.bench().measured(() -> side.wrong(COST_CLIENTS, PHASE));
        Result bare = side.bare() ? side.bench().health(COST_CLIENTS, PHASE) : null;
        return new Round(side, valid, wrong, bare, rss);
    }

    /** The medians of {@code side}'s rounds, and the most memory it held. */
    private static Costs medians(List<Round> rounds, Side side) {
        List<Round> own = rounds.stream().filter(r -> r.side() == side).toList();
        return new Costs(medianMeasured(own.stream().map(Round::valid).toList()),
                medianMeasured(own.stream().map(Round::wrong).toList()),
                side.bare() ? medianResult(own.stream().map(Round::bare).toList()) : null, Restart.NONE,
                own.stream().mapToLong(Round::rssMb).max().orElse(0));
    }

    /** Field by field, the median of each figure over the rounds. */
    private static Measured medianMeasured(List<Measured> rounds) {
        return new Measured(medianResult(rounds.stream().map(Measured::result).toList()),
                median(rounds.stream().mapToDouble(Measured::walBytes).toArray()),
                median(rounds.stream().mapToDouble(Measured::writeTransactions).toArray()),
                median(rounds.stream().mapToDouble(Measured::blocksRead).toArray()));
    }

    private static Result medianResult(List<Result> rounds) {
        return new Result(median(rounds.stream().mapToDouble(Result::perSecond).toArray()),
                median(rounds.stream().mapToDouble(Result::p50Millis).toArray()),
                median(rounds.stream().mapToDouble(Result::p99Millis).toArray()),
                rounds.stream().mapToLong(Result::requests).sum(), rounds.stream().mapToLong(Result::unexpected).sum(),
                new CpuAccount.Usage(median(rounds.stream().mapToDouble(r -> r.cpu().driverMillis()).toArray()),
                        median(rounds.stream().mapToDouble(r -> r.cpu().serverMillis()).toArray()),
                        median(rounds.stream().mapToDouble(r -> r.cpu().databaseMillis()).toArray()),
                        median(rounds.stream().mapToDouble(r -> r.cpu().busyPercent()).toArray())));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length == 0 ? 0 : sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** A phase that starts at a CHECKPOINT, with the WAL bytes and the transactions that wrote, per request. */
    private Measured measured(PhaseRun phase) throws Exception {
        sql("postgres", "checkpoint");
        long[] before = walAndTransactions();
        Result result = phase.run();
        long[] after = walAndTransactions();
        long requests = Math.max(1, result.requests());
        return new Measured(result, (after[0] - before[0]) / (double) requests, (after[1] - before[1]) / (double) requests,
                (after[2] - before[2]) / (double) requests);
    }

    @FunctionalInterface
    interface PhaseRun {
        Result run() throws Exception;
    }

    /**
     * The WAL's insert position and the next transaction id of the whole PostgreSQL server: a
     * transaction gets an id when it first writes, so the ids handed out count the transactions
     * that wrote. Whatever else the server does in between counts too (the bench runs alone).
     * Third, the blocks its databases read from outside PostgreSQL's shared buffers (from the
     * operating system's cache or the disk), as its statistics had them (flushed about once a
     * second): where a larger set of users no longer fits, each request costs more CPU.
     */
    private static long[] walAndTransactions() throws SQLException {
        try (Connection connection = DriverManager.getConnection(PG + "postgres", "postgres", "");
             Statement s = connection.createStatement();
             var row = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint,"
                     + " pg_snapshot_xmax(pg_current_snapshot())::text::bigint,"
                     + " (select sum(blks_read) from pg_stat_database)::bigint")) {
            row.next();
            return new long[] {row.getLong(1), row.getLong(2), row.getLong(3)};
        }
    }

    /** The table of the figures at each size, beside Keycloak's, with the targets. */
    private void costTable(Map<Integer, Costs> ours, Costs theirs) {
        List<Integer> sizes = new ArrayList<>(ours.keySet());
        int first = sizes.get(0);
        int last = sizes.get(sizes.size() - 1);
        report.append(String.format(Locale.ROOT, "%n## Costs at %d clients%n%n| figure |", COST_CLIENTS));
        for (int size : sizes) {
            report.append(String.format(Locale.ROOT, " StepUp, %,d users |", size));
        }
        report.append(sizes.size() > 1 ? String.format(Locale.ROOT, " %,d / %,d |", last, first) : "");
        report.append(theirs == null ? "" : String.format(Locale.ROOT, " Keycloak, %,d users | StepUp / Keycloak |", first));
        report.append(" target |\n|---|").append("---:|".repeat(sizes.size() + (sizes.size() > 1 ? 1 : 0) + (theirs == null ? 0 : 2)))
                .append("---|\n");
        row(ours, theirs, "valid code, successes/s", c -> c.valid().result().perSecond(), "%.0f", "StepUp / Keycloak ≥ 2");
        row(ours, theirs, "wrong code, answers/s", c -> c.wrong().result().perSecond(), "%.0f", "StepUp / Keycloak ≥ 1");
        row(ours, theirs, "bare request (HEAD /api/health)/s", c -> c.bare() == null ? Double.NaN : c.bare().perSecond(), "%.0f", "");
        row(ours, theirs, "server CPU ms per valid", c -> c.valid().result().cpu().serverMillis(), "%.2f", "≤ 1.5");
        row(ours, theirs, "PostgreSQL CPU ms per valid", c -> c.valid().result().cpu().databaseMillis(), "%.2f", "≤ 1.0");
        row(ours, theirs, "WAL bytes per valid, from a checkpoint", c -> c.valid().walBytes(), "%.0f", "≤ 1 024");
        row(ours, theirs, "transactions that wrote, per valid", c -> c.valid().writeTransactions(), "%.2f", "1");
        row(ours, theirs, "server CPU ms per wrong", c -> c.wrong().result().cpu().serverMillis(), "%.2f", "≤ 1.2");
        row(ours, theirs, "PostgreSQL CPU ms per wrong", c -> c.wrong().result().cpu().databaseMillis(), "%.2f", "≤ 0.6");
        row(ours, theirs, "WAL bytes per wrong, from a checkpoint", c -> c.wrong().walBytes(), "%.0f", "");
        row(ours, theirs, "load driver CPU ms per wrong", c -> c.wrong().result().cpu().driverMillis(), "%.2f", "");
        row(ours, theirs, "cores busy during the wrong codes, %", c -> c.wrong().result().cpu().busyPercent(), "%.0f", "");
        row(ours, theirs, "PostgreSQL blocks read outside its buffers, per valid", c -> c.valid().blocksRead(), "%.2f", "");
        row(ours, theirs, "PostgreSQL blocks read outside its buffers, per wrong", c -> c.wrong().blocksRead(), "%.2f", "");
        row(ours, theirs, "valid p50 ms", c -> c.valid().result().p50Millis(), "%.1f", "");
        row(ours, theirs, "restart to ready s (median)", c -> restartFigure(c, Restart::seconds), "%.1f", "≤ Keycloak's");
        row(ours, theirs, "restart: server CPU s at ready (median)", c -> restartFigure(c, Restart::cpuSeconds), "%.1f", "");
        row(ours, theirs, "restart: of it JIT compiler threads' CPU s", c -> restartFigure(c, Restart::compilerSeconds), "%.1f", "");
        row(ours, theirs, "restart: of it C2 threads' CPU s", c -> restartFigure(c, Restart::c2Seconds), "%.1f", "");
        row(ours, theirs, "RSS under load MB", c -> c.rssMb(), "%.0f", "≤ 512");
        long unexpected = ours.values().stream().mapToLong(c -> c.valid().result().unexpected() + c.wrong().result().unexpected()).sum()
                + (theirs == null ? 0 : theirs.valid().result().unexpected() + theirs.wrong().result().unexpected());
        report.append(String.format(Locale.ROOT, "%nUnexpected answers over all measured phases: %d.%n", unexpected));
    }

    /** A restart figure, or none (NaN: an empty cell) at a size where no restart was measured. */
    private static double restartFigure(Costs costs, java.util.function.ToDoubleFunction<Restart> figure) {
        return costs.restart().seconds() == 0 ? Double.NaN : figure.applyAsDouble(costs.restart());
    }

    private void row(Map<Integer, Costs> ours, Costs theirs, String figure, java.util.function.ToDoubleFunction<Costs> value,
                     String format, String target) {
        report.append("| ").append(figure).append(" |");
        double firstValue = value.applyAsDouble(ours.values().iterator().next());
        double lastValue = Double.NaN;
        for (Costs costs : ours.values()) {
            double v = value.applyAsDouble(costs);
            lastValue = v;
            report.append(' ').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v)).append(" |");
        }
        if (ours.size() > 1) {
            report.append(Double.isNaN(lastValue) || !printsNonZero(firstValue, format) ? " |" : String.format(Locale.ROOT, " %.2f |", lastValue / firstValue));
        }
        if (theirs != null) {
            // The size the other system was measured at; a figure taken once (the restart) where it was taken.
            double ourFirst = Double.isNaN(firstValue) ? lastValue : firstValue;
            double v = value.applyAsDouble(theirs);
            report.append(' ').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v)).append(" |")
                    .append(!printsNonZero(v, format) ? "" : String.format(Locale.ROOT, " %.2f", ourFirst / v)).append(" |");
        }
        report.append(' ').append(target).append(" |\n");
    }

    /** A {@code bench.server.env} word for the report: JAVA_HOME with its value, any other by its name alone (it may be a secret). */
    private static String shownSetting(String setting) {
        return setting.startsWith("JAVA_HOME=") ? " with " + setting : " with " + setting.split("=", 2)[0] + " set";
    }

    /**
     * A ratio only over a figure that does not print as zero (Keycloak's 0.004 ms of PostgreSQL
     * CPU per wrong code prints as 0.00). The formats are plain ({@code %.2f}, {@code %.0f}).
     */
    private static boolean printsNonZero(double value, String format) {
        return !Double.isNaN(value) && Double.parseDouble(String.format(Locale.ROOT, format, value)) != 0;
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
        // -Dbench.versus.launcher=true: both through server-config/stepup-start, each with its own
        // options; the other through a copy in -Dbench.versus.serverConfig=<folder> if given (its
        // post-boot file with another internal port than 8081, say: the two run side by side).
        Path launcher = Boolean.getBoolean("bench.versus.launcher") ? launcher() : null;
        String otherConfig = System.getProperty("bench.versus.serverConfig", "");
        Path otherLauncher = launcher == null || otherConfig.isBlank() ? launcher
                : Path.of(otherConfig, "stepup-start").toAbsolutePath();
        try (Started a = self.start("this", Path.of(System.getProperty("stepup.war", "target/stepup.war")).toAbsolutePath(),
                     jvmOptions("bench.server.jvm"), microOptions("bench.server.args"), launcher, "bench.server");
             Started b = other.start("versus", otherWar, jvmOptions("bench.versus.jvm"), microOptions("bench.versus.args"),
                     otherLauncher, "bench.versus")) {
            a.awaitClassArchive();
            b.awaitClassArchive();
            self.header();
            self.report.append("\nThis build (").append(String.join(" ", jvmOptions("bench.server.jvm"))).append(" ")
                    .append(String.join(" ", microOptions("bench.server.args"))).append(") against ")
                    .append(otherWar).append(" (").append(String.join(" ", jvmOptions("bench.versus.jvm"))).append(" ")
                    .append(String.join(" ", microOptions("bench.versus.args"))).append("), ").append(clients)
                    .append(" clients, in turn; start to ready ")
                    .append(String.format(Locale.ROOT, "%.1f s against %.1f s.%n%n", a.startSeconds(), b.startSeconds()))
                    .append("| round | WAR | (a) valid req/s | p50 ms | server CPU ms each | PostgreSQL CPU ms each "
                            + "| (b) wrong req/s | p50 ms | server CPU ms each | PostgreSQL CPU ms each "
                            + "| (c) health req/s | p50 ms | server CPU ms each | RSS MB |\n")
                    .append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            // Seeded into the tables as the full bench does (the other WAR must have this build's
            // schema), or with -Dbench.versus.enrol=true enrolled over the API, which takes minutes.
            boolean enrol = Boolean.getBoolean("bench.versus.enrol");
            List<Enrolled> ours = enrol ? self.enrol(USERS) : self.seeder.seed(USERS);
            List<Enrolled> theirs = enrol ? other.enrol(USERS) : other.seeder.seed(USERS);
            // As the seeding of the full bench does, and autovacuum would: plans for tables of
            // their size, not for the empty ones the servers started on.
            sql(a.database(), "analyze");
            sql(b.database(), "analyze");
            self.warmUp(clients, ours);
            other.warmUp(clients, theirs);
            double[][] sums = new double[2][8];
            // The first round is often slow for one side, whichever it is (a server still
            // warming up, a checkpoint): the rounds after it are summed apart too.
            double[][] warm = new double[2][8];
            for (int round = 1; round <= rounds; round++) {
                for (int side = 0; side < 2; side++) {
                    StepUpBench bench = side == 0 ? self : other;
                    List<Enrolled> users = side == 0 ? ours : theirs;
                    Result valid = bench.valid(clients, validQueue(users));
                    Result wrong = bench.wrong(clients, PHASE, wrongUsers(users));
                    Result health = bench.health(clients, PHASE);
                    long rss = rssKb((side == 0 ? a : b).server().pid()) / 1024;
                    double[] figures = {valid.perSecond(), wrong.perSecond(), health.perSecond(),
                            valid.cpu().serverMillis(), wrong.cpu().serverMillis(), health.cpu().serverMillis(),
                            valid.cpu().databaseMillis(), wrong.cpu().databaseMillis()};
                    for (int i = 0; i < figures.length; i++) {
                        sums[side][i] += figures[i];
                        if (round > 1) {
                            warm[side][i] += figures[i];
                        }
                    }
                    self.report.append(String.format(Locale.ROOT,
                            "| %d | %s | %.0f | %.1f | %.2f | %.2f | %.0f | %.1f | %.2f | %.2f | %.0f | %.1f | %.2f | %d |%n",
                            round, side == 0 ? "this" : "versus", valid.perSecond(), valid.p50Millis(), valid.cpu().serverMillis(),
                            valid.cpu().databaseMillis(), wrong.perSecond(), wrong.p50Millis(), wrong.cpu().serverMillis(),
                            wrong.cpu().databaseMillis(), health.perSecond(), health.p50Millis(), health.cpu().serverMillis(), rss));
                }
            }
            self.report.append(ratios("sums over the rounds", sums));
            if (rounds > 1) {
                self.report.append(ratios("sums over the rounds after the first", warm));
            }
        }
        self.write();
    }

    /** This build's figures over the other's, each of {@code sums}' eight (see {@link #versus}). */
    private static String ratios(String over, double[][] sums) {
        return String.format(Locale.ROOT, "%nThis build / versus, %s: throughput (a) %.2f, (b) %.2f,"
                        + " (c) %.2f; server CPU per request (a) %.2f, (b) %.2f, (c) %.2f; PostgreSQL CPU per request"
                        + " (a) %.2f, (b) %.2f%n", over,
                sums[0][0] / sums[1][0], sums[0][1] / sums[1][1], sums[0][2] / sums[1][2],
                sums[0][3] / sums[1][3], sums[0][4] / sums[1][4], sums[0][5] / sums[1][5],
                sums[0][6] / sums[1][6], sums[0][7] / sums[1][7]);
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
     * The README's small-footprint JVM options ({@code -Xmx256m}, the serial collector, a
     * 96 MB code cache, 512 KB thread stacks, glibc's heap trimmed every 5 s), then
     * {@code -Dbench.server.jvm=...} (this build's server) or {@code -Dbench.versus.jvm=...}
     * (the other), split at spaces; a later option wins (for example a flight recording, or
     * {@code -XX:TieredStopAtLevel=1} for the C1 compiler only).
     */
    private static List<String> jvmOptions(String property) {
        return withOptionsOf(property, "-Xmx256m", "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=96m", "-Xss512k",
                "-XX:TrimNativeHeapInterval=5000");
    }

    private void header() throws IOException {
        report.append("# StepUp benchmark, ").append(Instant.now().toString(), 0, 10).append("\n\n")
                .append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ")).append("; ")
                .append("the load driver on Java ").append(System.getProperty("java.version"))
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
        try {
            for (Future<Enrolled> future : futures) {
                users.add(future.get());
            }
        } finally {
            // Its threads would otherwise keep Maven's JVM alive after a failed enrolment.
            pool.shutdownNow();
        }
        return users;
    }

    // ---------------------------------------------------------------- throughput

    record Result(double perSecond, double p50Millis, double p99Millis, long requests, long unexpected, CpuAccount.Usage cpu) {
    }

    /** Four fifths of the users serve (a), each valid code used once. */
    private static ConcurrentLinkedQueue<Enrolled> validQueue(List<Enrolled> users) {
        return new ConcurrentLinkedQueue<>(users.subList(0, users.size() - users.size() / 5));
    }

    /**
     * The other fifth serve (b): their failure counts never meet a valid code's success, which
     * would reset them and write more than a step-up writes.
     */
    private static List<Enrolled> wrongUsers(List<Enrolled> users) {
        return users.subList(users.size() - users.size() / 5, users.size());
    }

    /** (a): step-up with valid codes, each a real success. */
    private Result valid(int clients, ConcurrentLinkedQueue<Enrolled> valid) throws Exception {
        return valid(clients, valid, (user, code) -> post(user.token, "/api/step-up/authenticate/TOTP", "{\"otp\":\"" + code + "\"}"),
                response -> response.body().contains("SUCCESS"));
    }

    /** Valid codes, each a real success, asked as {@code stepUp} asks them. */
    private Result valid(int clients, ConcurrentLinkedQueue<Enrolled> valid, BiFunction<Enrolled, String, HttpRequest> stepUp,
                         Predicate<HttpResponse<String>> accepted) throws Exception {
        return load(clients, PHASE, validRequests(valid, stepUp), accepted);
    }

    /** Requests with the next valid code of the next user who has one; null once none has. */
    private static Function<Integer, HttpRequest> validRequests(ConcurrentLinkedQueue<Enrolled> valid,
                                                                BiFunction<Enrolled, String, HttpRequest> stepUp) {
        return i -> {
            Enrolled user = nextUsable(valid);
            if (user == null) {
                return null;
            }
            long step;
            synchronized (user) {
                // The oldest step still accepted first (codes of one step before and after the
                // current one are, and no step at or before a used one): three codes a user at once.
                // Still accepted two seconds from now, when the request may arrive.
                step = Math.max(user.totp.step(Instant.now().plusSeconds(2)) - 1, user.lastStep + 1);
                user.lastStep = step;
            }
            valid.add(user);
            return stepUp.apply(user, user.totp.code(step));
        };
    }

    /** (b): step-up with wrong codes, below the (raised) throttle. */
    private Result wrong(int clients, Duration phase, List<Enrolled> wrongUsers) throws Exception {
        return wrong(clients, phase, wrongUsers, (user, code) -> post(user.token, "/api/step-up/authenticate/TOTP",
                "{\"otp\":\"" + code + "\"}"), response -> response.body().contains("FAILED"));
    }

    /** Wrong codes, asked as {@code stepUp} asks them. */
    private Result wrong(int clients, Duration phase, List<Enrolled> wrongUsers, BiFunction<Enrolled, String, HttpRequest> stepUp,
                         Predicate<HttpResponse<String>> refused) throws Exception {
        AtomicLong next = new AtomicLong();
        return load(clients, phase, i -> {
            Enrolled user = wrongUsers.get((int) (next.getAndIncrement() % wrongUsers.size()));
            return stepUp.apply(user, user.totp.wrongCode());
        }, refused);
    }

    /** (c): the bare server. */
    private Result health(int clients, Duration phase) throws Exception {
        return load(clients, phase, i -> HttpRequest.newBuilder(base.resolve("api/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), response -> response.statusCode() == 200);
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
                        Predicate<HttpResponse<String>> expected) throws Exception {
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
                    if (!expected.test(response)) {
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
        try {
            for (Future<long[]> future : futures) {
                all.add(future.get());
            }
        } finally {
            // A failed phase (the server gone, say) must end the bench, not leave its clients running.
            pool.shutdownNow();
        }
        double seconds = Duration.between(begin, Instant.now()).toNanos() / 1e9;
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
