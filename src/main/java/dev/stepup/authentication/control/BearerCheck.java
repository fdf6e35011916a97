package dev.stepup.authentication.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Stops a start whose Bearer JWT settings would let in more than they should: configured
 * without an audience (a token the same identity provider issued for another application
 * would pass, its groups included), or with keys fetched over plain http from another host.
 * The deployment fails and its log says why and what to set; the operator may accept either
 * on purpose ({@code STEPUP_JWT_ANY_AUDIENCE}, {@code STEPUP_JWT_JWKS_ALLOW_HTTP}).
 */
@Startup
@Singleton
@DependsOn("SettingsCheck")
public class BearerCheck {

    @Inject
    BearerTokens bearerTokens;

    @PostConstruct
    void check() {
        List<String> problems = bearerTokens.startProblems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Bearer JWTs are configured (mp.jwt.verify.issuer and a key), but "
                    + String.join("; and ", problems) + ". StepUp does not start so");
        }
    }
}
