package dev.stepup.identity.control;

import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.IdentityStatus;
import dev.stepup.identity.entity.IdentityType;
import dev.stepup.identity.entity.UserId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Users of the external identity provider, created on first sight of their JWT. A JWT never
 * maps onto a local identity of the same name: that would let the provider speak for it.
 */
@ApplicationScoped
public class ExternalUsers {

    @PersistenceContext
    EntityManager em;

    @Inject
    Identities identities;

    @Inject
    Clock clock;

    @Inject
    Event<IdentityChanged> changes;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Optional<Identity> findOrCreate(String username) {
        Optional<Identity> existing = identities.findByUsername(username);
        if (existing.isPresent()) {
            return existing.filter(Identity::isExternal);
        }
        Identity identity = new Identity(UserId.random(), IdentityType.User, username, IdentityStatus.active, Set.of(),
                clock.instant());
        identity.markExternal();
        em.persist(identity);
        em.flush();
        changes.fire(new IdentityChanged(IdentityChanged.Kind.CREATED, identity.id(), identity.id()));
        return Optional.of(identity);
    }
}
