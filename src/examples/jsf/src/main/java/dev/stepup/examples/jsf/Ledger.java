package dev.stepup.examples.jsf;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the guarded actions did, per user, in memory: enough for a demo page to show. */
@Named
@ApplicationScoped
public class Ledger {

    private final Map<String, List<String>> transfers = new ConcurrentHashMap<>();
    private final Map<String, String> statementAddresses = new ConcurrentHashMap<>();

    void transfer(String username, String line) {
        transfers.computeIfAbsent(username, name -> new CopyOnWriteArrayList<>()).add(line);
    }

    void statementAddress(String username, String address) {
        statementAddresses.put(username, address);
    }

    public List<String> transfers(String username) {
        return List.copyOf(transfers.getOrDefault(username, List.of()));
    }

    public String statementAddress(String username) {
        return statementAddresses.getOrDefault(username, "");
    }
}
