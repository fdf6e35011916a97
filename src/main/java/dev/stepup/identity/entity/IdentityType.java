package dev.stepup.identity.entity;

/** A person ({@code User}) or a machine such as a batch job ({@code ServiceIdentity}). */
public enum IdentityType {
    User, ServiceIdentity
}
