package dev.stepup.authentication.control;

import dev.stepup.authentication.entity.BearerStepUp;
import dev.stepup.authentication.entity.BrowserSession;
import dev.stepup.identity.control.ApiTokens;
import dev.stepup.platform.control.HousekeepingDue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.hibernate.Session;

/**
 * When a caller's credential last stepped up: kept on the browser session's row, on the API
 * token's row, or in {@code bearer_step_up} for a Bearer JWT's session (or user), so that a
 * step-up opens the window for the credential that earned it and no other. Recording it is
 * one more statement in the step-up's own transaction.
 */
@ApplicationScoped
public class StepUpWindows {

    /** How long a Bearer credential's step-up is kept: the longest validation window there is. */
    static final Duration BEARER_MEMORY = Duration.ofMinutes(60);

    @PersistenceContext
    EntityManager em;

    @Inject
    ApiTokens tokens;

    /** This bean through its proxy, so that {@link #purgeBearer} gets a transaction. */
    @Inject
    StepUpWindows self;

    /** The caller's credential stepped up at {@code at}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(Caller caller, Instant at) {
        Credential credential = caller.credential();
        switch (credential.kind()) {
            case SESSION -> em.createQuery("update BrowserSession s set s.steppedUpAt = :at where s.sessionHash = :hash")
                    .setParameter("at", at)
                    .setParameter("hash", credential.key())
                    .executeUpdate();
            case TOKEN -> tokens.markSteppedUp(caller.id(), at);
            case BEARER -> upsertBearer(caller, at);
        }
    }

    /** When the caller's credential last stepped up, if it did. */
    public Optional<Instant> last(Caller caller) {
        Credential credential = caller.credential();
        return switch (credential.kind()) {
            case SESSION -> Optional.ofNullable(em.find(BrowserSession.class, credential.key()))
                    .map(BrowserSession::steppedUpAt);
            case TOKEN -> tokens.steppedUpAt(caller.id());
            case BEARER -> Optional.ofNullable(em.find(BearerStepUp.class, credential.key()))
                    .map(BearerStepUp::steppedUpAt);
        };
    }

    /** One statement either way, so that two step-ups of one JWT session at once both land. */
    private void upsertBearer(Caller caller, Instant at) {
        em.unwrap(Session.class).doWork(connection -> {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
            try (PreparedStatement upsert = connection.prepareStatement(postgres
                    ? "insert into bearer_step_up (credential_hash, identity_id, stepped_up_at) values (?, ?, ?)"
                            + " on conflict (credential_hash) do update set stepped_up_at = excluded.stepped_up_at"
                    : "merge into bearer_step_up (credential_hash, identity_id, stepped_up_at) key (credential_hash)"
                            + " values (?, ?, ?)")) {
                upsert.setString(1, caller.credential().key());
                upsert.setString(2, caller.id().value());
                upsert.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
                upsert.executeUpdate();
            }
        });
    }

    void housekeeping(@Observes HousekeepingDue due) {
        due.clean("step-ups of Bearer credentials older than any window", () -> self.purgeBearer(due.now()));
    }

    @Transactional
    public int purgeBearer(Instant now) {
        return em.createQuery("delete from BearerStepUp b where b.steppedUpAt < :before")
                .setParameter("before", now.minus(BEARER_MEMORY))
                .executeUpdate();
    }
}
