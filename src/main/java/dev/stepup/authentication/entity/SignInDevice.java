package dev.stepup.authentication.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A browser that signed in with a name: the hash of its device cookie's value bound to the
 * hash of the name, nothing else. Such a browser skips the name-wide sign-in wait.
 */
@Entity
@Table(name = "sign_in_device")
public class SignInDevice {

    @Id
    @Column(name = "device_key")
    private String deviceKey;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    protected SignInDevice() {
    }

    public SignInDevice(String deviceKey, Instant now) {
        this.deviceKey = deviceKey;
        this.createdAt = now;
        this.lastUsedAt = now;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    public void used(Instant now) {
        lastUsedAt = now;
    }
}
