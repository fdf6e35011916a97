package dev.stepup.registration.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.logging.Logger;

/**
 * At start, after the migrations: how many stored secrets each key holds. During a key
 * rotation it tells when {@code STEPUP_SECRET_KEY_PREVIOUS} may go (no secret left under it);
 * a secret under a key the instance does not have is reported as SEVERE, because its user
 * cannot step up until the key is given or the registration is reset.
 */
@Startup
@Singleton
@DependsOn("Database")
@TransactionManagement(TransactionManagementType.BEAN)
public class KeyReport {

    private static final Logger LOG = Logger.getLogger(KeyReport.class.getName());

    @PersistenceContext
    EntityManager em;

    @Inject
    SecretCipher cipher;

    @PostConstruct
    void report() {
        long current = 0;
        long previous = 0;
        for (Object[] row : em.createQuery("select r.keyId, count(r) from Registration r group by r.keyId", Object[].class)
                .getResultList()) {
            String keyId = (String) row[0];
            long count = (Long) row[1];
            if (cipher.isCurrent(keyId)) {
                current = count;
            } else if (cipher.isKnown(keyId)) {
                previous = count;
            } else {
                LOG.severe(count + " stored secrets are under key id " + keyId + ", which is neither STEPUP_SECRET_KEY"
                        + " nor STEPUP_SECRET_KEY_PREVIOUS: their users cannot step up until that key is given back"
                        + " or their registrations are reset");
            }
        }
        LOG.info("Stored secrets: " + current + " under the current key (id " + cipher.currentKeyId() + ")"
                + (previous > 0 ? ", " + previous + " still under STEPUP_SECRET_KEY_PREVIOUS; each moves to the current"
                        + " key when next used, and the previous key may go once none is left" : ""));
    }
}
