package dev.stepup.authentication.boundary;

import jakarta.inject.Inject;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Registers {@link CallerAuthModule} as this application's authentication module when it
 * starts (Jakarta Authentication 3.0's {@code registerServerAuthModule}), and removes it when
 * it stops.
 */
@WebListener
public class CallerAuthModuleInstaller implements ServletContextListener {

    @Inject
    CallerAuthentication mechanism;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        AuthConfigFactory.getFactory()
                .registerServerAuthModule(new CallerAuthModule(mechanism), event.getServletContext());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        AuthConfigFactory.getFactory().removeServerAuthModule(event.getServletContext());
    }
}
