package dev.stepup.identity.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Duration;
import java.time.Instant;

/**
 * An identity's one API token, kept only as the SHA-256 hash of its value. It expires
 * {@code expirationDays} after its last use.
 */
@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    @Column(name = "identity_id")
    private String identityId;

    @Column(name = "token_hash")
    private String tokenHash;

    @Column(name = "expiration_days")
    private int expirationDays;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected ApiToken() {
    }

    public ApiToken(UserId identityId, String tokenHash, int expirationDays, Instant now) {
        this.identityId = identityId.value();
        this.tokenHash = tokenHash;
        this.expirationDays = expirationDays;
        this.createdAt = now;
        this.lastUsedAt = now;
    }

    /** Whether a token last used at {@code lastUsedAt} that lives {@code expirationDays} unused has expired by {@code now}. */
    public static boolean isExpired(Instant lastUsedAt, int expirationDays, Instant now) {
        return !now.isBefore(lastUsedAt.plus(Duration.ofDays(expirationDays)));
    }
}
