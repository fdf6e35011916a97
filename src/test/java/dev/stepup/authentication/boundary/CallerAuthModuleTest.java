package dev.stepup.authentication.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepup.authentication.control.Caller;
import dev.stepup.identity.entity.Role;
import dev.stepup.identity.entity.UserId;
import dev.stepup.platform.control.Transport;
import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.callback.CallerPrincipalCallback;
import jakarta.security.auth.message.callback.GroupPrincipalCallback;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@link CallerAuthModule} tells the container, through a handler that records it. */
class CallerAuthModuleTest {

    private final List<Callback> told = new ArrayList<>();

    @Test
    @DisplayName("a request without credentials is told to the container as a caller of no name, and passes on")
    void anonymous() throws Exception {
        CallerAuthModule module = module(callbacks -> told.addAll(List.of(callbacks)));
        Subject client = new Subject();

        AuthStatus status = module.validateRequest(message(request()), client, null);

        assertThat(status).isEqualTo(AuthStatus.SUCCESS);
        assertThat(told).singleElement().isInstanceOfSatisfying(CallerPrincipalCallback.class, caller -> {
            assertThat(caller.getName()).isNull();
            assertThat(caller.getPrincipal()).isNull();
            assertThat(caller.getSubject()).isSameAs(client);
        });
    }

    @Test
    @DisplayName("a caller is told by its id, with its roles as groups")
    void caller() {
        Subject client = new Subject();
        Caller caller = Caller.byToken(new UserId("a".repeat(20)), "ada", Set.of(Role.TENANT_ADMIN), "hash");

        Callback[] callbacks = CallerAuthModule.callbacks(client, Optional.of(caller));

        assertThat(callbacks).hasSize(2);
        assertThat(callbacks[0]).isInstanceOfSatisfying(CallerPrincipalCallback.class, principal -> {
            assertThat(principal.getName()).isEqualTo("a".repeat(20));
            assertThat(principal.getSubject()).isSameAs(client);
        });
        assertThat(callbacks[1]).isInstanceOfSatisfying(GroupPrincipalCallback.class, groups -> {
            assertThat(groups.getGroups()).containsExactly(Role.TENANT_ADMIN);
            assertThat(groups.getSubject()).isSameAs(client);
        });
    }

    @Test
    @DisplayName("a container that refuses the callbacks fails the request, it never lets it through")
    void refused() throws Exception {
        CallerAuthModule module = module(callbacks -> {
            throw new IOException("refused");
        });

        assertThatThrownBy(() -> module.validateRequest(message(request()), new Subject(), null))
                .isInstanceOf(AuthException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    private static CallerAuthModule module(CallbackHandler handler) throws AuthException {
        CallerAuthentication mechanism = new CallerAuthentication();
        mechanism.transport = new Transport();
        CallerAuthModule module = new CallerAuthModule(mechanism);
        module.initialize(null, null, handler, Map.of());
        return module;
    }

    /** A request with no header, cookie or attribute, over plain HTTP. */
    private static HttpServletRequest request() {
        return (HttpServletRequest) Proxy.newProxyInstance(CallerAuthModuleTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, arguments) -> method.getReturnType() == boolean.class ? Boolean.FALSE : null);
    }

    private static MessageInfo message(HttpServletRequest request) {
        Map<String, Object> map = new HashMap<>();
        return new MessageInfo() {
            @Override
            public Object getRequestMessage() {
                return request;
            }

            @Override
            public Object getResponseMessage() {
                return null;
            }

            @Override
            public void setRequestMessage(Object message) {
            }

            @Override
            public void setResponseMessage(Object message) {
            }

            @Override
            public Map<String, Object> getMap() {
                return map;
            }
        };
    }
}
