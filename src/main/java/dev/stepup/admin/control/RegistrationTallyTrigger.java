package dev.stepup.admin.control;

/**
 * The name H2's migration V7 gave the listing tally's trigger, which H2 checks on every new
 * database (a missing class is error 90086). The trigger is the registration feature's
 * {@link dev.stepup.registration.control.RegistrationTallyTrigger}; this name stays because an
 * applied migration is never edited.
 */
public class RegistrationTallyTrigger extends dev.stepup.registration.control.RegistrationTallyTrigger {
}
