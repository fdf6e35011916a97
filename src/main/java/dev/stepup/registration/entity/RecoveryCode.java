package dev.stepup.registration.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/**
 * One unused recovery code of a user's TOTP registration, kept only as its keyed hash under the
 * derived key {@code keyId}.
 */
@Entity
@Table(name = "recovery_code")
@IdClass(RecoveryCode.Key.class)
public class RecoveryCode {

    @Id
    @Column(name = "identity_id")
    private String identityId;

    @Id
    @Column(name = "code_hash")
    private String codeHash;

    @Column(name = "key_id")
    private String keyId;

    @Column(name = "created_at")
    private Instant createdAt;

    protected RecoveryCode() {
    }

    public RecoveryCode(String identityId, String codeHash, String keyId, Instant createdAt) {
        this.identityId = identityId;
        this.codeHash = codeHash;
        this.keyId = keyId;
        this.createdAt = createdAt;
    }

    public String codeHash() {
        return codeHash;
    }

    public String keyId() {
        return keyId;
    }

    /** The composite key: a user's code hashes are distinct. */
    public static class Key implements Serializable {

        private String identityId;
        private String codeHash;

        public Key() {
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(key.identityId, identityId)
                    && Objects.equals(key.codeHash, codeHash);
        }

        @Override
        public int hashCode() {
            return Objects.hash(identityId, codeHash);
        }
    }
}
