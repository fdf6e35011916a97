package dev.stepup.authentication.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The consecutive failed sign-ins of one username as it was typed, known or not, kept only
 * as a hash: either from one client address (with the address, for the audit trail) or
 * from every address (the name-wide row, without one). Beside them, the attempts refused
 * unchecked during the current wait, written to the audit trail as one line when it ends.
 */
@Entity
@Table(name = "sign_in_throttle")
public class SignInThrottle {

    @Id
    @Column(name = "name_hash")
    private String nameHash;

    @Column(name = "client_address")
    private String clientAddress;

    @Column(name = "failures")
    private int failures;

    @Column(name = "last_failure_at")
    private Instant lastFailureAt;

    @Column(name = "refused")
    private int refused;

    @Column(name = "refused_since")
    private Instant refusedSince;

    @Column(name = "wait_until")
    private Instant waitUntil;

    @Column(name = "target_id")
    private String targetId;

    protected SignInThrottle() {
    }

    public String key() {
        return nameHash;
    }

    /** The client address of a (name, address) row; null for a name-wide row. */
    public String clientAddress() {
        return clientAddress;
    }

    public int failures() {
        return failures;
    }

    public Instant lastFailureAt() {
        return lastFailureAt;
    }

    public int refused() {
        return refused;
    }

    public Instant refusedSince() {
        return refusedSince;
    }

    public Instant waitUntil() {
        return waitUntil;
    }

    public String targetId() {
        return targetId;
    }

    public void failed(Instant now) {
        failures++;
        lastFailureAt = now;
    }

    /** An attempt refused unchecked at {@code now}, inside the wait that ends at {@code until}. */
    public void refused(Instant now, Instant until, String target) {
        if (refused == 0) {
            refusedSince = now;
        }
        refused++;
        waitUntil = until;
        targetId = target;
    }

    /** The refusals of the wait that ended are told; the row starts counting afresh. */
    public void refusalsTold() {
        refused = 0;
        refusedSince = null;
        waitUntil = null;
    }
}
