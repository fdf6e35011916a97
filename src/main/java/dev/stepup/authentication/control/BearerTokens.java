package dev.stepup.authentication.control;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.stepup.identity.control.ExternalUsers;
import dev.stepup.identity.control.Identities;
import dev.stepup.identity.entity.Identity;
import dev.stepup.identity.entity.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Authenticates {@code Authorization: Bearer} JWTs of an external identity provider, with
 * Nimbus JOSE+JWT: signature (RS256/384/512, ES256/384/512 only, so {@code alg: none} and
 * HMAC are refused), issuer, audience and expiry, configured with the MicroProfile JWT
 * property names. {@code upn}, else {@code preferred_username}, else {@code sub} names the
 * user, who is created on first sight; {@code groups} carry the roles. Without a configured
 * key and issuer, every Bearer token is refused.
 */
@ApplicationScoped
public class BearerTokens {

    private static final Logger LOG = Logger.getLogger(BearerTokens.class.getName());
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey")
    Optional<String> publicKey;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.publickey.location")
    Optional<String> publicKeyLocation;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "mp.jwt.verify.audiences")
    Optional<String> audiences;

    /** Comma-separated {@code acr} values that prove a step-up at the identity provider; none by default. */
    @Inject
    @ConfigProperty(name = "stepup.jwt.step.up.acr")
    Optional<String> stepUpAcr;

    @Inject
    ExternalUsers users;

    private volatile DefaultJWTProcessor<SecurityContext> processor;
    private volatile boolean unusable;

    public Optional<Caller> authenticate(String jwt) {
        DefaultJWTProcessor<SecurityContext> jwtProcessor = processor();
        if (jwtProcessor == null || jwt.isEmpty() || jwt.length() > 16_384) {
            return Optional.empty();
        }
        JWTClaimsSet claims;
        try {
            claims = jwtProcessor.process(jwt, null);
        } catch (Exception e) {
            LOG.fine(() -> "Bearer token refused: " + e.getClass().getSimpleName());
            return Optional.empty();
        }
        Optional<String> name = name(claims);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Set<String> roles = groups(claims).stream().filter(Role.ADMIN::contains).collect(Collectors.toSet());
        Optional<Identity> identity;
        try {
            identity = users.findOrCreate(name.get());
        } catch (RuntimeException e) {
            // A parallel first request of the same user created it a moment ago.
            identity = users.findOrCreate(name.get());
        }
        Instant providerStepUpAt = providerStepUp(claims);
        String sid = claims.getClaim("sid") instanceof String text && !text.isEmpty() ? text : null;
        return identity
                .filter(Identity::isActive)
                .map(user -> new Caller(user.id(), user.username(), Role.effective(roles), Caller.Scheme.BEARER,
                        Credential.bearer(claims.getIssuer(), sid, user.id()), providerStepUpAt, null));
    }

    /** The {@code acr} values that count as a step-up by the identity provider (RFC 9470). */
    public List<String> stepUpAcr() {
        return stepUpAcr.map(values -> Arrays.stream(values.split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList())
                .orElse(List.of());
    }

    /** When the provider stepped the user up: {@code auth_time}, if {@code acr} is one that counts. */
    private Instant providerStepUp(JWTClaimsSet claims) {
        Object acr = claims.getClaim("acr");
        Object authTime = claims.getClaim("auth_time");
        if (!(acr instanceof String value) || !stepUpAcr().contains(value)) {
            return null;
        }
        if (authTime instanceof java.util.Date date) {
            return date.toInstant();
        }
        return authTime instanceof Number seconds ? Instant.ofEpochSecond(seconds.longValue()) : null;
    }

    private static Optional<String> name(JWTClaimsSet claims) {
        for (String claim : new String[] {"upn", "preferred_username", "sub"}) {
            Object value = claims.getClaim(claim);
            if (value instanceof String text && !text.isBlank() && text.length() <= 255 && Identities.isPlainText(text)) {
                return Optional.of(text);
            }
        }
        return Optional.empty();
    }

    private static Set<String> groups(JWTClaimsSet claims) {
        Object value = claims.getClaim("groups");
        if (value instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.toSet());
        }
        return Set.of();
    }

    private DefaultJWTProcessor<SecurityContext> processor() {
        DefaultJWTProcessor<SecurityContext> current = processor;
        if (current == null && !unusable && issuer.isPresent() && (publicKey.isPresent() || publicKeyLocation.isPresent())) {
            synchronized (this) {
                if (processor == null && !unusable) {
                    processor = build();
                    unusable = processor == null;
                }
                current = processor;
            }
        }
        return current;
    }

    private DefaultJWTProcessor<SecurityContext> build() {
        try {
            DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
            built.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys()));
            Set<String> accepted = audiences.filter(a -> !a.isBlank())
                    .map(a -> Arrays.stream(a.split(",")).map(String::strip).collect(Collectors.toCollection(HashSet::new)))
                    .orElse(null);
            built.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(accepted,
                    new JWTClaimsSet.Builder().issuer(issuer.get()).build(), Set.of("exp"), Set.of()));
            if (accepted == null) {
                // MicroProfile JWT's rule, kept; but a token the provider issued for another
                // application would pass too.
                LOG.warning("mp.jwt.verify.audiences is not set: Bearer tokens of the issuer are accepted for any"
                        + " audience. Set it to the audience your identity provider puts in tokens for StepUp.");
            }
            if (publicKeyLocation.filter(l -> l.startsWith("http://")).isPresent() && publicKey.isEmpty()) {
                LOG.warning("mp.jwt.verify.publickey.location is fetched over plain http: whoever can change"
                        + " that answer can sign tokens. Use https.");
            }
            return built;
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "The JWT verification key (mp.jwt.verify.publickey[.location]) cannot be read; "
                    + "Bearer tokens are refused", e);
            return null;
        }
    }

    private JWKSource<SecurityContext> keys() throws Exception {
        if (publicKey.isPresent()) {
            return new ImmutableJWKSet<>(parse(publicKey.get()));
        }
        String location = publicKeyLocation.get();
        if (location.startsWith("https://") || location.startsWith("http://")) {
            return JWKSourceBuilder.<SecurityContext>create(URI.create(location).toURL()).build();
        }
        return new ImmutableJWKSet<>(parse(read(location)));
    }

    private static String read(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            try (InputStream in = BearerTokens.class.getResourceAsStream("/" + location.substring("classpath:".length()).replaceFirst("^/", ""))) {
                if (in == null) {
                    throw new IOException("No such resource: " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        Path path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** A PEM public key, a single JWK or a JWKS. */
    static JWKSet parse(String text) throws Exception {
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            return trimmed.contains("\"keys\"") ? JWKSet.parse(trimmed) : new JWKSet(JWK.parse(trimmed));
        }
        byte[] der = Base64.getMimeDecoder().decode(trimmed.replaceAll("-----[A-Z ]+-----", ""));
        for (String algorithm : Arrays.asList("RSA", "EC")) {
            try {
                PublicKey key = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                if (key instanceof RSAPublicKey rsa) {
                    return new JWKSet(new RSAKey.Builder(rsa).build());
                }
                if (key instanceof ECPublicKey ec) {
                    return new JWKSet(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec).build());
                }
            } catch (java.security.spec.InvalidKeySpecException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("Not an RSA or EC public key in PEM form");
    }
}
