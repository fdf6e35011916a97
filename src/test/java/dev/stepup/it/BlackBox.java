package dev.stepup.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A black-box test class: the built WAR, with the test fixtures beside it, on the shared
 * server of this test JVM (Payara Micro, or WildFly in the failsafe execution "wildfly"),
 * on this run's own PostgreSQL database, called over HTTP.
 *
 * <p>Arquillian deploys it ({@code dev.stepup.it.arquillian}: no {@code @Deployment} method,
 * and one server for all classes), and fields of the test class of type {@link Api} (the
 * server, no credentials) and {@link Users} (its users, made by the bootstrap admin) are set
 * before each test. As the server is shared, a class makes its own users and data, and a
 * test that changes what the whole tenant shares (the step-up configuration) restores it.
 * The classes of the shared server run one after another, in the test JVM's main thread
 * ({@code SAME_THREAD}); the classes that start servers of their own run beside them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({TestDatabase.class, ArquillianExtension.class, BlackBoxFields.class})
@Execution(ExecutionMode.SAME_THREAD)
public @interface BlackBox {
}
