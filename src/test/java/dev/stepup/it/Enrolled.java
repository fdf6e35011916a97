package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user with a confirmed TOTP registration and the authenticator that goes with it. It
 * remembers the last time step it handed out, because the server accepts each step once.
 */
public final class Enrolled {

    private final Users.Identity identity;
    private final Api api;
    private final TestTotp totp;
    private final String key;
    private long lastUsedStep;

    private Enrolled(Users.Identity identity, Api api, TestTotp totp, String key, long lastUsedStep) {
        this.identity = identity;
        this.api = api;
        this.totp = totp;
        this.key = key;
        this.lastUsedStep = lastUsedStep;
    }

    /** Creates a user and enrols it end to end (GENERATE_SECRET, then VERIFY). */
    public static Enrolled create(Users users, Api anonymous, String... roles) {
        return of(users.create(roles), anonymous);
    }

    /** Enrols an existing user end to end with its API token. */
    public static Enrolled of(Users.Identity identity, Api anonymous) {
        Api api = anonymous.token(identity.token());
        Api.Reply challenge = api.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);
        var details = challenge.json().getJsonObject("additionalDetails");
        TestTotp totp = TestTotp.fromUri(details.getString("uri"));
        totp.awayFromStepEdge(4);
        long step = totp.currentStep();
        Api.Reply verified = api.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.code(step) + "\"}");
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        return new Enrolled(identity, api, totp, details.getString("key"), step);
    }

    public Users.Identity identity() {
        return identity;
    }

    public Api api() {
        return api;
    }

    public TestTotp totp() {
        return totp;
    }

    public String key() {
        return key;
    }

    /**
     * A code the server has not seen used: the current step, or the next one (one step of
     * skew is allowed), waiting for the clock only when both are used.
     */
    public synchronized String nextCode() {
        totp.awayFromStepEdge(4);
        long current = totp.currentStep();
        while (lastUsedStep > current) {
            sleep(250);
            current = totp.currentStep();
        }
        long step = lastUsedStep < current ? current : current + 1;
        lastUsedStep = step;
        return totp.code(step);
    }

    /** Steps up with a fresh code and returns the reply. */
    public Api.Reply stepUp() {
        return api.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + nextCode() + "\"}");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
