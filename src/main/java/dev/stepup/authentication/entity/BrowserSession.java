package dev.stepup.authentication.entity;

import dev.stepup.identity.entity.UserId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * A signed-in browser, kept only as the SHA-256 hash of its cookie's value. It ends when
 * idle for longer than the idle timeout or older than the absolute lifetime.
 */
@Entity
@Table(name = "browser_session")
public class BrowserSession {

    @Id
    @Column(name = "session_hash")
    private String sessionHash;

    @Column(name = "identity_id")
    private String identityId;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "last_seen_at")
    private Instant lastSeenAt;

    @Column(name = "confirmed_at")
    private Instant confirmedAt;

    protected BrowserSession() {
    }

    public BrowserSession(String sessionHash, UserId identity, Instant now) {
        this.sessionHash = sessionHash;
        this.identityId = identity.value();
        this.createdAt = now;
        this.lastSeenAt = now;
        this.confirmedAt = now;
    }

    public boolean isLive(Instant now, Duration idle, Duration lifetime) {
        return lastSeenAt.plus(idle).isAfter(now) && createdAt.plus(lifetime).isAfter(now);
    }

    public Instant lastSeenAt() {
        return lastSeenAt;
    }

    public UserId identityId() {
        return new UserId(identityId);
    }

    /** When the session's user last typed the password: at sign-in, or confirming it since. */
    public Instant confirmedAt() {
        return confirmedAt;
    }

    public void seen(Instant now) {
        this.lastSeenAt = now;
    }
}
