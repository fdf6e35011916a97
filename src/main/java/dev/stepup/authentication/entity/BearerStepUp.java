package dev.stepup.authentication.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** When a Bearer JWT's session at its identity provider (or, without {@code sid}, its user) last stepped up. */
@Entity
@Table(name = "bearer_step_up")
public class BearerStepUp {

    @Id
    @Column(name = "credential_hash")
    private String credentialHash;

    @Column(name = "identity_id")
    private String identityId;

    @Column(name = "stepped_up_at")
    private Instant steppedUpAt;

    protected BearerStepUp() {
    }

    public Instant steppedUpAt() {
        return steppedUpAt;
    }
}
