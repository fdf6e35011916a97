package dev.stepup.registration.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    static SecretCipher cipher(String current, String previous) {
        SecretCipher cipher = new SecretCipher();
        cipher.configuredKey = Optional.of(current);
        cipher.previousKey = Optional.ofNullable(previous);
        cipher.loadKeys();
        return cipher;
    }

    @Test
    void sealedSecretOpensOnlyForItsRow() {
        SecretCipher cipher = cipher(KEY_A, null);
        byte[] secret = "twenty bytes secret!".getBytes(StandardCharsets.US_ASCII);
        SecretCipher.Sealed sealed = cipher.seal(secret, "user:TOTP");
        assertThat(sealed.ciphertext()).doesNotContain(Base64.getEncoder().encodeToString(secret));
        assertThat(cipher.open(sealed, "user:TOTP")).isEqualTo(secret);
        assertThatThrownBy(() -> cipher.open(sealed, "other:TOTP")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void previousKeyStillOpensDuringRotation() {
        SecretCipher old = cipher(KEY_A, null);
        SecretCipher.Sealed sealed = old.seal(new byte[] {1, 2, 3}, "u:TOTP");
        SecretCipher rotated = cipher(KEY_B, KEY_A);
        assertThat(rotated.isCurrent(sealed.keyId())).isFalse();
        assertThat(rotated.open(sealed, "u:TOTP")).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> cipher(KEY_B, null).open(sealed, "u:TOTP")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aKeyMustBe256Bits() {
        assertThatThrownBy(() -> cipher(Base64.getEncoder().encodeToString(new byte[16]), null))
                .hasMessageContaining("256 bits");
        assertThatThrownBy(() -> cipher("not base64!", null)).hasMessageContaining("base64");
    }
}
