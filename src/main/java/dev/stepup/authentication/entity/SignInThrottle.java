package dev.stepup.authentication.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * The consecutive failed sign-ins of one username as it was typed, known or not, kept only
 * as a hash of the name.
 */
@Entity
@Table(name = "sign_in_throttle")
public class SignInThrottle {

    @Id
    @Column(name = "name_hash")
    private String nameHash;

    @Column(name = "failures")
    private int failures;

    @Column(name = "last_failure_at")
    private Instant lastFailureAt;

    protected SignInThrottle() {
    }

    public SignInThrottle(String nameHash) {
        this.nameHash = nameHash;
    }

    public int failures() {
        return failures;
    }

    public Instant lastFailureAt() {
        return lastFailureAt;
    }

    public void failed(Instant now) {
        failures++;
        lastFailureAt = now;
    }
}
