package dev.stepup.authentication.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The JWT checks of {@link BearerTokens} without a server: key, {@code typ}, lifetime and start-up rules. */
class BearerTokensTest {

    static final String ISSUER = "https://idp.example.com";
    static final KeyPair KEYS = rsa();

    @Test
    void aTokenOfTheIssuerForStepUpPasses() throws Exception {
        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.RS256), claims()))).isPresent();
    }

    @Test
    @DisplayName("exp - iat beyond the maximum (24 h by default) is refused, a day's token passes")
    void aTokenLivingLongerThanTheMaximumIsRefused() throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet tenYears = claims().issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofDays(3650)))).build();
        JWTClaimsSet aDayAndAMinute = claims().issueTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(Duration.ofDays(1)))).build();
        JWTClaimsSet aDay = claims().issueTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(Duration.ofDays(1)).minusSeconds(60))).build();
        // Without iat, the time left counts.
        JWTClaimsSet noIatLong = claims().issueTime(null).expirationTime(Date.from(now.plus(Duration.ofDays(2)))).build();
        JWTClaimsSet noIatShort = claims().issueTime(null).expirationTime(Date.from(now.plusSeconds(300))).build();

        BearerTokens bearer = bearer();
        assertThat(bearer.verify(sign(new JWSHeader(JWSAlgorithm.RS256), tenYears))).isEmpty();
        assertThat(bearer.verify(sign(new JWSHeader(JWSAlgorithm.RS256), aDayAndAMinute))).isEmpty();
        assertThat(bearer.verify(sign(new JWSHeader(JWSAlgorithm.RS256), aDay))).isPresent();
        assertThat(bearer.verify(sign(new JWSHeader(JWSAlgorithm.RS256), noIatLong))).isEmpty();
        assertThat(bearer.verify(sign(new JWSHeader(JWSAlgorithm.RS256), noIatShort))).isPresent();

        BearerTokens lenient = bearer();
        lenient.maxLifetimeSeconds = Duration.ofDays(3651).toSeconds();
        assertThat(lenient.verify(sign(new JWSHeader(JWSAlgorithm.RS256), tenYears))).as("configurable").isPresent();
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheSkewIsRefused() throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet nextYear = claims().issueTime(Date.from(now.plus(Duration.ofDays(365))))
                .expirationTime(Date.from(now.plus(Duration.ofDays(365)).plusSeconds(300))).build();
        JWTClaimsSet inTwoMinutes = claims().issueTime(Date.from(now.plusSeconds(120))).build();
        JWTClaimsSet inHalfAMinute = claims().issueTime(Date.from(now.plusSeconds(30))).build();

        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.RS256), nextYear))).isEmpty();
        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.RS256), inTwoMinutes))).isEmpty();
        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.RS256), inHalfAMinute))).as("within the skew").isPresent();
    }

    @Test
    @DisplayName("a PEM key has no kid: a token that names one is still checked against it")
    void aConfiguredKeyWithoutKidTakesATokenThatNamesOne() throws Exception {
        JWSHeader withKid = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("2026-rotation-7").build();
        BearerTokens pem = bearer();
        pem.publicKey = Optional.of("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(KEYS.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");

        assertThat(pem.verify(sign(withKid, claims()))).isPresent();
        assertThat(bearer().verify(sign(withKid, claims()))).as("bare base64 DER").isPresent();
    }

    @Test
    @DisplayName("a kid-ignoring key still takes RS256/384/512 and ES256/384/512 only")
    void aKidIgnoringKeyStillRefusesOtherAlgorithms() throws Exception {
        // The classic confusion: HMAC keyed with the public key's bytes.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("any").build(), claims().build());
        hmac.sign(new MACSigner(KEYS.getPublic().getEncoded()));

        assertThat(bearer().verify(hmac.serialize())).isEmpty();
        // RSA, but not one of RS256/384/512.
        assertThat(bearer().verify(sign(new JWSHeader.Builder(JWSAlgorithm.PS256).keyID("any").build(), claims()))).isEmpty();
        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.PS256), claims()))).isEmpty();
    }

    @Test
    @DisplayName("typ JWT, at+jwt (RFC 9068) or none pass; another typ is refused")
    void accessTokensOfRfc9068Pass() throws Exception {
        BearerTokens bearer = bearer();
        for (String typ : new String[] {"JWT", "at+jwt", "application/at+jwt"}) {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ)).build();
            assertThat(bearer.verify(sign(header, claims()))).as(typ).isPresent();
        }
        JWSHeader logout = new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("logout+jwt")).build();
        assertThat(bearer.verify(sign(logout, claims()))).isEmpty();
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        assertThat(bearer().verify(sign(new JWSHeader(JWSAlgorithm.RS256), claims().audience("payroll")))).isEmpty();
    }

    @Test
    @DisplayName("without an audience the start stops, unless any audience is accepted on purpose")
    void bearerWithoutAudienceIsAStartProblem() {
        BearerTokens none = bearer();
        none.audiences = Optional.empty();
        assertThat(none.startProblems()).singleElement().asString().startsWith("MP_JWT_VERIFY_AUDIENCES");

        none.anyAudience = true;
        assertThat(none.startProblems()).isEmpty();

        BearerTokens off = bearer();
        off.audiences = Optional.empty();
        off.issuer = Optional.empty();
        assertThat(off.startProblems()).as("Bearer not configured at all").isEmpty();
    }

    @Test
    @DisplayName("a JWKS over plain http is a start problem unless its host is loopback or it is allowed")
    void aJwksOverPlainHttpFromAnotherHostIsAStartProblem() {
        BearerTokens remote = bearer();
        remote.publicKey = Optional.empty();
        remote.publicKeyLocation = Optional.of("http://idp.example.com/jwks.json");
        assertThat(remote.startProblems()).singleElement().asString().startsWith("MP_JWT_VERIFY_PUBLICKEY_LOCATION");

        remote.allowHttpJwks = true;
        assertThat(remote.startProblems()).isEmpty();

        for (String safe : new String[] {"https://idp.example.com/jwks.json", "http://localhost:8180/jwks", "http://127.0.0.1/jwks",
                "http://[::1]:9000/jwks", "HTTPS://IDP.EXAMPLE.COM/jwks", "/etc/stepup/key.pem", "classpath:key.pem"}) {
            assertThat(BearerTokens.isSafeLocation(safe, false)).as(safe).isTrue();
        }
        for (String unsafe : new String[] {"http://idp.example.com/jwks", "HTTP://idp.example.com/jwks", "http://10.0.0.7/jwks",
                "http://localhost.evil.example/jwks", "http://127.0.0.1.nip.io/jwks"}) {
            assertThat(BearerTokens.isSafeLocation(unsafe, false)).as(unsafe).isFalse();
        }
    }

    private static BearerTokens bearer() {
        BearerTokens bearer = new BearerTokens();
        bearer.publicKey = Optional.of(Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded()));
        bearer.publicKeyLocation = Optional.empty();
        bearer.issuer = Optional.of(ISSUER);
        bearer.audiences = Optional.of("stepup");
        bearer.stepUpAcr = Optional.empty();
        bearer.maxLifetimeSeconds = 86_400;
        return bearer;
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("stepup").subject("ada@example.com")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    private static String sign(JWSHeader header, JWTClaimsSet.Builder claims) throws Exception {
        return sign(header, claims.build());
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(KEYS.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
