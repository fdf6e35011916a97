package dev.stepup.registration.control;

/** Why a code is being checked; each path needs the registration in a given state. */
public enum Purpose {
    /** {@code VERIFY}: the first code of a pending enrolment. */
    CONFIRM_REGISTRATION,
    /** The credential for deleting one's own registration. */
    DELETE_REGISTRATION,
    /** Step-up authentication before a sensitive action. */
    STEP_UP,
    /** A recovery code that resets the user's lost registration ({@code POST /api/mfa/recover}). */
    RECOVER
}
