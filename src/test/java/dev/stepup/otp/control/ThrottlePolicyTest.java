package dev.stepup.otp.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ThrottlePolicyTest {

    final ThrottlePolicy policy = ThrottlePolicy.of(5, 900);

    @Test
    void noWaitBeforeTheFifthFailure() {
        for (int failures = 0; failures < 5; failures++) {
            assertThat(policy.delay(failures)).isZero();
        }
    }

    @Test
    void waitDoublesFromTheFifthFailureAndStopsAtFifteenMinutes() {
        assertThat(policy.delay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(7)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.delay(14)).isEqualTo(Duration.ofSeconds(512));
        assertThat(policy.delay(15)).isEqualTo(Duration.ofSeconds(900));
        assertThat(policy.delay(1_000_000)).isEqualTo(Duration.ofSeconds(900));
    }

    @Test
    void remainingCountsFromTheLastFailure() {
        Instant last = Instant.parse("2026-11-23T10:00:00Z");
        assertThat(policy.remaining(7, last, last.plusSeconds(1))).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.remaining(7, last, last.plusSeconds(4))).isZero();
        assertThat(policy.remaining(3, last, last)).isZero();
        assertThat(policy.remaining(9, null, last)).isZero();
    }

    @Test
    void noWaitBelowTheThresholdEvenForALastFailureAfterNow() {
        // Another instance's clock, or an attempt that read the time after this one but took
        // the user's lock first, can put the last failure a moment after this attempt's now.
        Instant last = Instant.parse("2026-11-23T10:00:00Z");
        assertThat(policy.remaining(4, last, last.minusMillis(300))).isZero();
        assertThat(policy.remaining(5, last, last.minusMillis(300))).isEqualTo(Duration.ofMillis(1300));
    }
}
