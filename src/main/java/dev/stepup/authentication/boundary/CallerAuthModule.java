package dev.stepup.authentication.boundary;

import dev.stepup.authentication.control.Caller;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.UnsupportedCallbackException;

/**
 * The application's Jakarta Authentication module: it runs {@link CallerAuthentication} on
 * every request and tells the container the caller it found, with its roles as groups, or
 * that the request is anonymous. {@link CallerAuthModuleInstaller} registers it for this
 * application on Payara and WildFly alike.
 *
 * <p>It does what Jakarta Security's bridge module did for an {@code HttpAuthenticationMechanism}
 * bean, without the bridge's cost: that looked the mechanism up through JNDI and CDI twice per
 * request, about a tenth of a request's CPU on Payara ({@code src/site/performance.md},
 * fourteenth round).
 */
public class CallerAuthModule implements ServerAuthModule {

    private static final Class<?>[] SUPPORTED = {HttpServletRequest.class, HttpServletResponse.class};

    private final CallerAuthentication mechanism;

    /**
     * The container's handler of callbacks, which each auth context the container makes passes
     * to {@link #initialize} again. Sharing it between requests is safe because the callbacks
     * carry the request's own subject: Payara passes the same stateless handler every time,
     * WildFly one that works per thread, as for Jakarta Security's own bridge module.
     */
    private volatile CallbackHandler container;

    CallerAuthModule(CallerAuthentication mechanism) {
        this.mechanism = mechanism;
    }

    @Override
    public void initialize(MessagePolicy requestPolicy, MessagePolicy responsePolicy, CallbackHandler handler,
                           @SuppressWarnings("rawtypes") Map options) {
        this.container = handler;
    }

    @Override
    public Class<?>[] getSupportedMessageTypes() {
        return SUPPORTED.clone();
    }

    @Override
    public AuthStatus validateRequest(MessageInfo message, Subject client, Subject service) throws AuthException {
        Optional<Caller> caller = mechanism.authenticate((HttpServletRequest) message.getRequestMessage());
        try {
            container.handle(callbacks(client, caller));
        } catch (IOException | UnsupportedCallbackException e) {
            throw (AuthException) new AuthException("The container refused the caller").initCause(e);
        }
        return AuthStatus.SUCCESS;
    }

    /**
     * What the container is told: the caller's id and its roles as groups, or, for an anonymous
     * request, a caller of no name.
     */
    static Callback[] callbacks(Subject client, Optional<Caller> caller) {
        return caller
                .map(found -> new Callback[] {
                        new CallerPrincipalCallback(client, found.id().value()),
                        new GroupPrincipalCallback(client, found.roles().toArray(String[]::new))})
                .orElseGet(() -> new Callback[] {new CallerPrincipalCallback(client, (String) null)});
    }

    @Override
    public AuthStatus secureResponse(MessageInfo message, Subject service) {
        return AuthStatus.SEND_SUCCESS;
    }

    @Override
    public void cleanSubject(MessageInfo message, Subject subject) {
        if (subject != null) {
            subject.getPrincipals().clear();
        }
    }
}
