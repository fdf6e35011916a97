package dev.stepup.platform.control;

import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;
import java.util.List;
import org.hibernate.engine.jndi.JndiException;
import org.hibernate.engine.transaction.jta.platform.internal.AbstractJtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatformException;

/**
 * Hibernate's view of the container's transactions on Payara and on WildFly alike: the
 * transaction manager under the name each server binds it to, the user transaction under
 * the standard {@code java:comp/UserTransaction}. One persistence.xml serves both servers.
 */
public class ContainerJtaPlatform extends AbstractJtaPlatform {

    private static final List<String> TRANSACTION_MANAGERS = List.of(
            "java:appserver/TransactionManager", // Payara, GlassFish
            "java:jboss/TransactionManager", // WildFly
            "java:/TransactionManager");

    @Override
    protected TransactionManager locateTransactionManager() {
        for (String name : TRANSACTION_MANAGERS) {
            try {
                return (TransactionManager) jndiService().locate(name);
            } catch (JndiException notHere) {
                // Another server's name; try the next.
            }
        }
        throw new JtaPlatformException("No transaction manager under any of " + TRANSACTION_MANAGERS);
    }

    @Override
    protected UserTransaction locateUserTransaction() {
        return (UserTransaction) jndiService().locate("java:comp/UserTransaction");
    }
}
