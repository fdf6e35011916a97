package dev.stepup.admin.control;

import dev.stepup.audit.control.AuditTrail;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.identity.control.BrowserSessions;
import dev.stepup.identity.control.SignInThrottles;
import dev.stepup.registration.entity.Factor;
import dev.stepup.stepup.control.CompletionIds;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The server's own clean-up, every minute on every instance (each delete is idempotent, so
 * instances need not coordinate): expired completion IDs, pending enrolments older than
 * {@code stepup.housekeeping.challenge.max.age.hours}, and API tokens unused for longer than
 * any token can live plus {@code stepup.housekeeping.token.grace.days}, idle or too old
 * browser sessions, the failed sign-ins of names without one for a day, the listing
 * tally's rows of blocks left empty, and audit lines older than
 * {@code stepup.audit.retention.days} where that is set.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Housekeeping {

    private static final Logger LOG = Logger.getLogger(Housekeeping.class.getName());

    static final int AUDIT_CHUNK = 5_000;
    static final Duration AUDIT_BUDGET = Duration.ofSeconds(30);

    @Inject
    CompletionIds completionIds;

    @Inject
    RegistrationsOverview registrations;

    @Inject
    ApiTokens tokens;

    @Inject
    BrowserSessions sessions;

    @Inject
    SignInThrottles signIns;

    @Inject
    AuditTrail audit;

    @Inject
    @ConfigProperty(name = "stepup.housekeeping.challenge.max.age.hours", defaultValue = "24")
    long challengeMaxAgeHours;

    @Inject
    @ConfigProperty(name = "stepup.housekeeping.token.grace.days", defaultValue = "30")
    long tokenGraceDays;

    /** How long audit lines are kept; 0 (the default) or less keeps them all. */
    @Inject
    @ConfigProperty(name = "stepup.audit.retention.days", defaultValue = "0")
    long auditRetentionDays;

    @Schedule(hour = "*", minute = "*", second = "17", persistent = false)
    void everyMinute() {
        run("expired completion IDs", completionIds::purgeExpired);
        run("stale pending enrolments", () ->
                registrations.purgeChallenges(Factor.TOTP, Duration.ofHours(challengeMaxAgeHours), null));
        run("expired browser sessions", sessions::purgeExpired);
        run("sign-in names without a failure for a day", signIns::purgeQuiet);
        run("empty blocks of the listing's tally", registrations::dropEmptyBlocks);
        run("expired API tokens", () -> tokens.purgeUnusedFor(Duration.ofDays(ApiTokens.MAX_EXPIRATION_DAYS + tokenGraceDays)));
        if (auditRetentionDays > 0) {
            run("audit lines older than " + auditRetentionDays + " days", this::purgeAudit);
        }
    }

    /**
     * Audit lines past their retention, in transactions of {@link #AUDIT_CHUNK} lines, for at
     * most {@link #AUDIT_BUDGET} a run: the first run after retention is set may meet years of
     * lines, and no transaction must come near a server's transaction timeout.
     */
    int purgeAudit() {
        Duration age = Duration.ofDays(auditRetentionDays);
        long deadline = System.nanoTime() + AUDIT_BUDGET.toNanos();
        int total = 0;
        int purged;
        do {
            purged = audit.purgeOlderThan(age, AUDIT_CHUNK);
            total += purged;
        } while (purged == AUDIT_CHUNK && System.nanoTime() < deadline);
        return total;
    }

    private static void run(String what, java.util.function.IntSupplier purge) {
        try {
            int purged = purge.getAsInt();
            if (purged > 0) {
                LOG.info(() -> "Housekeeping removed " + purged + " " + what);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Housekeeping of " + what + " failed; next round in a minute", e);
        }
    }
}
