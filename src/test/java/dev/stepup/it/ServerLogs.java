package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** The log files the shared server of this run wrote (Payara Micro numbers them: server.log.0, ...). */
public final class ServerLogs {

    private ServerLogs() {
    }

    /**
     * The log as written up to now, after every request this test made before: a marker is
     * logged through the test harness's resource, and the log is read until it holds it.
     * Checks that something is missing from the log read it this way, so that a line still
     * waiting in the server's log queue cannot be missed.
     */
    public static String upToNow(Api api) {
        String marker = "log-marker-" + UUID.randomUUID();
        Api.Reply marked = api.token(TestDatabase.ADMIN_TOKEN).post("/api/test-harness/log-marker?marker=" + marker, null);
        assertThat(marked.status()).as(marked.toString()).isEqualTo(204);
        return Waits.until(Duration.ofSeconds(30), "the server log to hold " + marker,
                ServerLogs::read, text -> text.contains(marker));
    }

    /** The log files as they are, whatever the server still holds in its queue. */
    public static String read() {
        Path logs = Path.of(TestDatabase.serverLog()).getParent();
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("server.log")).sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }
}
