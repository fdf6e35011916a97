package dev.stepup.examples.spa;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The payouts made, per user, in memory: enough for a demo page to show. */
@ApplicationScoped
public class Payouts {

    private final Map<String, List<String>> made = new ConcurrentHashMap<>();

    void add(String username, String line) {
        made.computeIfAbsent(username, name -> new CopyOnWriteArrayList<>()).add(line);
    }

    List<String> of(String username) {
        return List.copyOf(made.getOrDefault(username, List.of()));
    }
}
