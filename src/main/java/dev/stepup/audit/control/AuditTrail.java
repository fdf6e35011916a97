package dev.stepup.audit.control;

import dev.stepup.audit.entity.AuditEvent;
import dev.stepup.authentication.control.SessionChanged;
import dev.stepup.authentication.control.SignInsRefused;
import dev.stepup.configuration.control.ConfigurationChanged;
import dev.stepup.configuration.control.StepUpConfiguration;
import dev.stepup.identity.control.IdentityChanged;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.HousekeepingDue;
import dev.stepup.platform.control.Transport;
import dev.stepup.registration.control.OtpVerified;
import dev.stepup.registration.control.OtpsVerified;
import dev.stepup.registration.control.RegistrationChanged;
import dev.stepup.registration.entity.StepUpFactor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Writes the audit trail from the events the features fire, in the transaction of the
 * action itself, so an action and its audit line commit together; reads it for the admin,
 * and removes lines older than {@code stepup.audit.retention.days} when housekeeping is due. Lines hold ids, kinds
 * and outcomes only: never a secret, an OTP, a token or a password.
 */
@ApplicationScoped
public class AuditTrail {

    static final int CHUNK = 5_000;
    static final Duration BUDGET = Duration.ofSeconds(30);

    private static final String INSERT = "insert into audit_event"
            + " (event_time, type, outcome, actor_id, target_id, source_ip, details) values (?, ?, ?, ?, ?, ?, ?)";

    /** Many lines in one statement (PostgreSQL), from an array of text per column, in order. */
    private static final String INSERT_ALL = "insert into audit_event"
            + " (event_time, type, outcome, actor_id, target_id, source_ip, details)"
            + " select cast(t as timestamp with time zone), y, o, a, g, s, d from unnest(cast(? as varchar[]),"
            + " cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]), cast(? as varchar[]),"
            + " cast(? as varchar[]), cast(? as varchar[])) with ordinality as l (t, y, o, a, g, s, d, n) order by n";

    @PersistenceContext
    EntityManager em;

    @Inject
    Clock clock;

    @Inject
    Transport transport;

    /** This bean through its proxy, so that each chunk of {@link #purgeInChunks} gets its own transaction. */
    @Inject
    AuditTrail self;

    /** How long audit lines are kept; 0 (the default) or less keeps them all. */
    @Inject
    @ConfigProperty(name = "stepup.audit.retention.days", defaultValue = "0")
    long retentionDays;

    void verified(@Observes OtpVerified event) {
        record(type(event), event.outcome().name(), event.actor(), event.user(), details(event));
    }

    /**
     * Checks counted together ({@code CodeBatches}, PostgreSQL): their lines in one statement of
     * the batch's last round trip, each with its request's time and address.
     */
    void verified(@Observes OtpsVerified event) {
        List<OtpsVerified.Checked> checks = event.checks();
        event.writes().add(INSERT_ALL, (insert, index) -> {
            int size = checks.size();
            String[][] columns = new String[7][size];
            for (int i = 0; i < size; i++) {
                OtpsVerified.Checked checked = checks.get(i);
                OtpVerified verified = checked.verified();
                columns[0][i] = checked.at().toString();
                columns[1][i] = type(verified);
                columns[2][i] = verified.outcome().name();
                columns[3][i] = verified.actor() == null ? null : verified.actor().value();
                columns[4][i] = verified.user() == null ? null : verified.user().value();
                columns[5][i] = checked.sourceIp();
                columns[6][i] = details(verified);
            }
            for (String[] column : columns) {
                insert.setArray(index++, insert.getConnection().createArrayOf("varchar", column));
            }
            return index;
        });
    }

    private static String type(OtpVerified event) {
        return switch (event.purpose()) {
            case CONFIRM_REGISTRATION -> "ENROLMENT_CONFIRMATION";
            case DELETE_REGISTRATION -> "DELETE_CREDENTIAL_CHECK";
            case STEP_UP -> "STEP_UP";
            case RECOVER -> "RECOVERY";
        };
    }

    private static String details(OtpVerified event) {
        return event.kind() == StepUpFactor.RECOVERY_CODE ? "recovery code" : null;
    }

    void registration(@Observes RegistrationChanged event) {
        switch (event.kind()) {
            case CHALLENGE_STARTED -> record("ENROLMENT_STARTED", "SUCCESS", event.actor(), event.target(), null);
            case CONFIRMED -> record("ENROLMENT_CONFIRMED", "SUCCESS", event.actor(), event.target(), null);
            case DELETED_OWN -> record("REGISTRATION_DELETED", "SUCCESS", event.actor(), event.target(), "own");
            case DELETED_BY_ADMIN -> record("REGISTRATION_DELETED", "SUCCESS", event.actor(), event.target(), "admin");
            case PURGED -> record("REGISTRATION_DELETED", "SUCCESS", event.actor(), null, "purge of stale challenges");
            case RECOVERED -> record("REGISTRATION_DELETED", "SUCCESS", event.actor(), event.target(), "recovery code");
            case RECOVERY_CODES_REPLACED -> record("RECOVERY_CODES_REPLACED", "SUCCESS", event.actor(), event.target(), null);
        }
    }

    void identity(@Observes IdentityChanged event) {
        String type = switch (event.kind()) {
            case CREATED -> "USER_CREATED";
            case DELETED -> "USER_DELETED";
            case TOKEN_CREATED -> "TOKEN_CREATED";
        };
        record(type, "SUCCESS", event.actor(), event.target(), null);
    }

    void session(@Observes SessionChanged event) {
        switch (event.kind()) {
            case SIGNED_IN -> record("SIGN_IN", "SUCCESS", event.actor(), event.target(), null);
            case SIGN_IN_FAILED -> record("SIGN_IN", "FAILED", event.actor(), event.target(), null);
            case SIGNED_OUT -> record("SIGN_OUT", "SUCCESS", event.actor(), event.target(), null);
            case PASSWORD_CONFIRMED -> record("PASSWORD_CONFIRMATION", "SUCCESS", event.actor(), event.target(), null);
        }
    }

    /**
     * One THROTTLED line per sign-in wait that refused attempts, told when the wait is over:
     * how many were refused, from when to when, and whether the wait was that of one client
     * address (then the line's source) or of the name from every address.
     */
    void signInsRefused(@Observes SignInsRefused event) {
        String details = event.count() + " sign-in attempt" + (event.count() == 1 ? "" : "s") + " refused unchecked while "
                + (event.clientAddress() == null ? "the name waited (from any address)" : "this address waited")
                + ", " + event.from() + " to " + event.until();
        // A name-wide wait's attempts came from anywhere: no one source.
        persist("SIGN_IN", "THROTTLED", null, event.target(), event.clientAddress(), details);
    }

    void configuration(@Observes ConfigurationChanged event) {
        record("CONFIGURATION_CHANGED", "SUCCESS", event.actor(), null, describe(event.before()) + " -> " + describe(event.after()));
    }

    public List<AuditEvent> page(Optional<String> userId, Optional<String> type, Optional<Instant> from,
                                 Optional<Instant> to, int offset, int size) {
        var query = em.createQuery("select e from AuditEvent e" + where(userId, type, from, to)
                + " order by e.time desc, e.id desc", AuditEvent.class);
        bind(query, userId, type, from, to);
        return query.setFirstResult(offset).setMaxResults(size).getResultList();
    }

    public long count(Optional<String> userId, Optional<String> type, Optional<Instant> from, Optional<Instant> to) {
        var query = em.createQuery("select count(e) from AuditEvent e" + where(userId, type, from, to), Long.class);
        bind(query, userId, type, from, to);
        return query.getSingleResult();
    }

    void housekeeping(@Observes HousekeepingDue due) {
        if (retentionDays > 0) {
            due.clean("audit lines older than " + retentionDays + " days",
                    () -> purgeInChunks(due.now().minus(Duration.ofDays(retentionDays))));
        }
    }

    /**
     * Audit lines from before {@code before}, in transactions of {@link #CHUNK} lines, for at
     * most {@link #BUDGET} a run: the first run after retention is set may meet years of
     * lines, and no transaction must come near a server's transaction timeout.
     */
    int purgeInChunks(Instant before) {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int total = 0;
        int purged;
        do {
            purged = self.purgeBefore(before, CHUNK);
            total += purged;
        } while (purged == CHUNK && System.nanoTime() < deadline);
        return total;
    }

    /**
     * Removes at most {@code most} of the lines from before {@code before}, oldest first;
     * returns how many. A bounded transaction, so a long backlog goes in many short ones.
     */
    @Transactional
    public int purgeBefore(Instant before, int most) {
        List<Long> ids = em.createQuery("select e.id from AuditEvent e where e.time < :before order by e.time", Long.class)
                .setParameter("before", before)
                .setMaxResults(most)
                .getResultList();
        if (ids.isEmpty()) {
            return 0;
        }
        return em.createQuery("delete from AuditEvent e where e.id in :ids")
                .setParameter("ids", ids)
                .executeUpdate();
    }

    private static String where(Optional<String> userId, Optional<String> type, Optional<Instant> from, Optional<Instant> to) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        userId.ifPresent(u -> where.append(" and (e.actorId = :user or e.targetId = :user)"));
        type.ifPresent(t -> where.append(" and e.type = :type"));
        from.ifPresent(f -> where.append(" and e.time >= :from"));
        to.ifPresent(t -> where.append(" and e.time < :to"));
        return where.toString();
    }

    private static void bind(jakarta.persistence.Query query, Optional<String> userId, Optional<String> type,
                             Optional<Instant> from, Optional<Instant> to) {
        userId.ifPresent(u -> query.setParameter("user", u));
        type.ifPresent(t -> query.setParameter("type", t));
        from.ifPresent(f -> query.setParameter("from", f));
        to.ifPresent(t -> query.setParameter("to", t));
    }

    private void record(String type, String outcome, UserId actor, UserId target, String details) {
        persist(type, outcome, actor, target, transport.clientAddress(), details);
    }

    /**
     * Appends a line in the transaction under way, with one plain JDBC insert (no entity to
     * manage: a line is never read back in the transaction that writes it).
     */
    private void persist(String type, String outcome, UserId actor, UserId target, String sourceIp, String details) {
        Instant time = clock.instant();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                bind(insert, time, type, outcome, actor, target, sourceIp, details);
                insert.executeUpdate();
            }
        });
    }

    private static void bind(PreparedStatement insert, Instant time, String type, String outcome, UserId actor,
                             UserId target, String sourceIp, String details) throws SQLException {
        insert.setObject(1, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
        insert.setString(2, type);
        insert.setString(3, outcome);
        insert.setString(4, actor == null ? null : actor.value());
        insert.setString(5, target == null ? null : target.value());
        insert.setString(6, sourceIp);
        insert.setString(7, details);
    }

    private static String describe(StepUpConfiguration configuration) {
        return "validationWindow=" + configuration.validationWindowMinutes()
                + " completedCookieMaxAge=" + configuration.completedCookieMaxAgeSeconds()
                + " hashFunction=" + configuration.totp().hashFunction()
                + " digits=" + configuration.totp().digits()
                + " timeStep=" + configuration.totp().timeStepSeconds();
    }
}
