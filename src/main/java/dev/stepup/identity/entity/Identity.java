package dev.stepup.identity.entity;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/** A user or service identity. Never serialised: the boundary maps it to a view record. */
@Entity
@Table(name = "identity")
public class Identity {

    @Id
    private String id;

    @Enumerated(EnumType.STRING)
    private IdentityType type;

    /** The username of a user, the name of a service identity; unique. */
    private String username;

    private String email;

    @Column(name = "first_name")
    private String firstName;

    @Column(name = "last_name")
    private String lastName;

    @Enumerated(EnumType.STRING)
    private IdentityStatus status;

    @Column(name = "password_hash")
    private String passwordHash;

    @Column(name = "created_at")
    private Instant createdAt;

    /** {@code local}, or {@code jwt} for users of the external identity provider. */
    private String source = "local";

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "identity_role", joinColumns = @JoinColumn(name = "identity_id"))
    @Column(name = "role")
    private Set<String> roles = new HashSet<>();

    protected Identity() {
    }

    public Identity(UserId id, IdentityType type, String username, IdentityStatus status, Set<String> roles, Instant createdAt) {
        this.id = id.value();
        this.type = type;
        this.username = username;
        this.status = status;
        this.roles = new HashSet<>(roles);
        this.createdAt = createdAt;
    }

    public UserId id() {
        return new UserId(id);
    }

    public IdentityType type() {
        return type;
    }

    public String username() {
        return username;
    }

    public String email() {
        return email;
    }

    public String firstName() {
        return firstName;
    }

    public String lastName() {
        return lastName;
    }

    public IdentityStatus status() {
        return status;
    }

    public String passwordHash() {
        return passwordHash;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Set<String> roles() {
        return Set.copyOf(roles);
    }

    public boolean isActive() {
        return status == IdentityStatus.active;
    }

    public void describe(String email, String firstName, String lastName) {
        this.email = email;
        this.firstName = firstName;
        this.lastName = lastName;
    }

    public boolean isExternal() {
        return "jwt".equals(source);
    }

    public void markExternal() {
        this.source = "jwt";
    }

    public void passwordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }
}
