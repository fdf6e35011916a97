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
    private final RegistrationRows rows;
    private long lastUsedStep;

    private Enrolled(Users.Identity identity, Api api, TestTotp totp, String key, RegistrationRows rows, long lastUsedStep) {
        this.identity = identity;
        this.api = api;
        this.totp = totp;
        this.key = key;
        this.rows = rows;
        this.lastUsedStep = lastUsedStep;
    }

    /** Creates a user and enrols it end to end (GENERATE_SECRET, then VERIFY). */
    public static Enrolled create(Users users, String... roles) {
        return of(users, users.create(roles));
    }

    /** Enrols an existing user of {@code users}' server end to end with its API token. */
    public static Enrolled of(Users users, Users.Identity identity) {
        return with(users, identity, users.anonymous().token(identity.token()));
    }

    /** Enrols {@code identity} end to end with the credential {@code api} sends (a token, a session, a JWT). */
    public static Enrolled with(Users users, Users.Identity identity, Api api) {
        Api.Reply challenge = api.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);
        var details = challenge.json().getJsonObject("additionalDetails");
        TestTotp totp = TestTotp.fromUri(details.getString("uri"));
        // The code of the current step is accepted while the server's step is one either side of it.
        long step = totp.currentStep();
        Api.Reply verified = api.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + totp.code(step) + "\"}");
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        return new Enrolled(identity, api, totp, details.getString("key"), RegistrationRows.in(users.database()), step);
    }

    /** A user whose enrolment the test confirmed itself, with the code of {@code usedStep}. */
    public static Enrolled confirmed(Users users, Users.Identity identity, Api api, TestTotp totp, String key, long usedStep) {
        return new Enrolled(identity, api, totp, key, RegistrationRows.in(users.database()), usedStep);
    }

    public Users.Identity identity() {
        return identity;
    }

    public String userId() {
        return identity.userId();
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
     * A code the server has not seen used: the current step's, or the next one's (one step of
     * skew is allowed). When both are used, the registration's row forgets its used steps
     * ({@link RegistrationRows#forgetUsedSteps}) instead of the test waiting for the clock.
     */
    public synchronized String nextCode() {
        long current = totp.currentStep();
        if (lastUsedStep > current) {
            rows.forgetUsedSteps(identity.userId());
            lastUsedStep = -1;
        }
        long step = Math.max(current, lastUsedStep + 1);
        lastUsedStep = step;
        return totp.code(step);
    }

    /** Steps up with a fresh code and returns the reply. */
    public Api.Reply stepUp() {
        return stepUp(nextCode());
    }

    /** Steps up with {@code code} and returns the reply. */
    public Api.Reply stepUp(String code) {
        return api.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + code + "\"}");
    }

    /** The {@code result} of a step-up with {@code code}, which must be answered 200. */
    public String stepUpResult(String code) {
        Api.Reply reply = stepUp(code);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().getString("result");
    }
}
