package dev.stepup.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The log files the servers of this run wrote (Payara Micro numbers them: server.log.0, ...). */
public final class ServerLogs {

    private ServerLogs() {
    }

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
