package dev.stepup.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the machine's cores go during a phase, from Linux's own accounting in
 * {@code /proc/<pid>/stat}: the CPU time of the load driver (this JVM, and the children it
 * has waited for, so pgbench too), of the server, and of the PostgreSQL server the bench
 * uses (its postmaster, the postmaster's live processes, and those that ended, which it has
 * waited for). CPU time per
 * request does not depend on how fast the shared machine happens to be, so it compares two
 * runs better than throughput does.
 */
final class CpuAccount {

    /** Linux reports process times in USER_HZ ticks, 100 a second on every common architecture. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final long serverPid;
    private final long postmasterPid;

    CpuAccount(long serverPid, long postmasterPid) {
        this.serverPid = serverPid;
        this.postmasterPid = postmasterPid;
    }

    /** CPU nanoseconds so far of the driver, the server and PostgreSQL, and the wall clock. */
    record Sample(long driver, long server, long database, long wall) {
    }

    /** CPU milliseconds per request of each, and how busy the cores were, over one phase. */
    record Usage(double driverMillis, double serverMillis, double databaseMillis, double busyPercent) {

        static final Usage NONE = new Usage(0, 0, 0, 0);

        double allMillis() {
            return driverMillis + serverMillis + databaseMillis;
        }
    }

    Sample sample() {
        long[] self = ticks("self");
        return new Sample((self[0] + self[1] + self[2] + self[3]) * NANOS_PER_TICK,
                own(Long.toString(serverPid)) * NANOS_PER_TICK, database() * NANOS_PER_TICK, System.nanoTime());
    }

    Usage since(Sample start, long requests) {
        Sample end = sample();
        if (requests <= 0) {
            return Usage.NONE;
        }
        long cpu = (end.driver - start.driver) + (end.server - start.server) + (end.database - start.database);
        return new Usage(millisEach(end.driver - start.driver, requests), millisEach(end.server - start.server, requests),
                millisEach(end.database - start.database, requests), 100.0 * cpu / ((double) CORES * (end.wall - start.wall)));
    }

    private static double millisEach(long nanos, long requests) {
        return nanos / 1e6 / requests;
    }

    /** The postmaster with what it has reaped, and its live children. */
    private long database() {
        long[] postmaster = ticks(Long.toString(postmasterPid));
        long children = ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
                .mapToLong(child -> own(Long.toString(child.pid()))).sum();
        return postmaster[0] + postmaster[1] + postmaster[2] + postmaster[3] + children;
    }

    /**
     * A process's CPU seconds so far (all its threads, ended ones included), and of them its
     * live JIT compiler threads' (C1 and C2) and C2's alone.
     */
    record Threads(double seconds, double compilerSeconds, double c2Seconds) {
    }

    /**
     * Where a process's CPU time went by thread, from {@code /proc/<pid>/task/<tid>/stat}:
     * HotSpot names its compiler threads "C1 CompilerThreadN" and "C2 CompilerThreadN" (cut
     * to 15 characters). HotSpot may stop a compiler thread it no longer needs; its time then
     * counts in the process's total only. Taken at ready, it shows what a start spent compiling.
     */
    static Threads threads(long pid) throws IOException {
        double compilers = 0;
        double c2 = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
                double own = (Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12))) * NANOS_PER_TICK / 1e9;
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    compilers += own;
                }
                if (name.startsWith("C2 CompilerThre")) {
                    c2 += own;
                }
            }
        }
        return new Threads(own(Long.toString(pid)) * NANOS_PER_TICK / 1e9, compilers, c2);
    }

    /** User and system ticks of a process itself; 0 once it has ended. */
    private static long own(String pid) {
        long[] ticks = ticks(pid);
        return ticks[0] + ticks[1];
    }

    /** utime, stime, cutime and cstime of {@code /proc/<pid>/stat}; zeros once the process has ended. */
    private static long[] ticks(String pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", pid, "stat"));
        } catch (IOException e) {
            return new long[4];
        }
        // After the command name in parentheses: field 3 (state) onwards; utime is field 14.
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        return new long[] {Long.parseLong(fields.get(11)), Long.parseLong(fields.get(12)),
            Long.parseLong(fields.get(13)), Long.parseLong(fields.get(14))};
    }
}
