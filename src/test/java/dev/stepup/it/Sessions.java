package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

/** A browser session of the web UI, for the black-box tests: the cookie and the CSRF token it needs. */
public final class Sessions {

    private Sessions() {
    }

    /**
     * Signs in with {@code username} and {@code password} and returns {@code anonymous} sending
     * the session cookie and, on every request, the session's {@code X-CSRF-Token}.
     */
    public static Api signIn(Api anonymous, String username, String password) {
        Api.Reply signedIn = anonymous.post("/api/session",
                "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        String setCookie = signedIn.header("Set-Cookie");
        return anonymous.header("Cookie", setCookie.substring(0, setCookie.indexOf(';')))
                .header("X-CSRF-Token", signedIn.string("csrfToken"));
    }
}
