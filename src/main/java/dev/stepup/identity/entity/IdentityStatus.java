package dev.stepup.identity.entity;

/** Only {@code active} identities can authenticate. */
public enum IdentityStatus {
    active, disabled
}
