package dev.stepup.otp.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtpTest {

    @Test
    void onlyAsciiDigitsOfSixToEight() {
        assertThat(Otp.parse("123456")).isPresent();
        assertThat(Otp.parse("12345678")).isPresent();
        for (String bad : new String[] {null, "", "12345", "123456789", "12345a", " 123456", "١٢٣٤٥٦", "12 456", "-12345"}) {
            assertThat(Otp.parse(bad)).as(String.valueOf(bad)).isEmpty();
        }
    }

    @Test
    void toStringHidesTheDigits() {
        assertThat(new Otp("093971").toString()).doesNotContain("093971");
    }
}
