package dev.stepup.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A black-box test class: the built WAR on Payara Micro (Arquillian, run as client) on this
 * run's own PostgreSQL database. The database is made before the server starts.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
public @interface BlackBox {
}
