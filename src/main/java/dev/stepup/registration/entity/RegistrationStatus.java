package dev.stepup.registration.entity;

/** Where a user's enrolment stands. {@code UNREGISTERED} is the absence of a row. */
public enum RegistrationStatus {
    UNREGISTERED, CHALLENGE, REGISTERED
}
