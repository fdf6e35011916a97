package dev.stepup.registration.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.TotpParameters;
import org.junit.jupiter.api.Test;

class OtpauthUriTest {

    @Test
    void statesTheParametersAndEncodesTheLabel() {
        String uri = OtpauthUri.of("Step Up", "ada lovelace@example.com", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                new TotpParameters(HashFunction.SHA256, 8, 60));
        assertThat(uri).isEqualTo("otpauth://totp/Step%20Up:ada%20lovelace%40example.com"
                + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Step%20Up&algorithm=SHA256&digits=8&period=60");
    }
}
