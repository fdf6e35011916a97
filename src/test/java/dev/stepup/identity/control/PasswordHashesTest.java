package dev.stepup.identity.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PasswordHashesTest {

    private final PasswordHashes hashes = new PasswordHashes();

    {
        hashes.iterations = 210_000;
    }

    @Test
    @DisplayName("210 000 iterations are OWASP's figure for HMAC-SHA512: a hash of HMAC-SHA256 is made again")
    void onlyHmacSha512AtTheConfiguredIterationsIsCurrent() {
        assertThat(hashes.isCurrent("PBKDF2WithHmacSHA512:210000:c2FsdA==:aGFzaA==")).isTrue();
        assertThat(hashes.isCurrent("PBKDF2WithHmacSHA256:210000:c2FsdA==:aGFzaA==")).isFalse();
        assertThat(hashes.isCurrent("PBKDF2WithHmacSHA512:2048:c2FsdA==:aGFzaA==")).isFalse();
    }
}
