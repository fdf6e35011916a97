package dev.stepup.elevation.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A step-up completion, kept as the hash of the cookie value, bound to its user. */
@Entity
@Table(name = "completion_id")
public class CompletionId {

    @Id
    @Column(name = "id_hash")
    private String idHash;

    @Column(name = "identity_id")
    private String identityId;

    @Column(name = "expires_at")
    private Instant expiresAt;

    protected CompletionId() {
    }

    public CompletionId(String idHash, String identityId, Instant expiresAt) {
        this.idHash = idHash;
        this.identityId = identityId;
        this.expiresAt = expiresAt;
    }
}
