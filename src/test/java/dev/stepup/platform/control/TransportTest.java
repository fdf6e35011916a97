package dev.stepup.platform.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TransportTest {

    @Test
    @DisplayName("the rightmost X-Forwarded-For entry is the one the trusted proxy added; the client wrote the rest")
    void theRightmostForwardedEntryIsTheClient() {
        assertThat(Transport.rightmost(List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(Transport.rightmost(List.of("10.9.9.9, 203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(Transport.rightmost(List.of("1.1.1.1, 10.9.9.9", "198.51.100.4"))).as("several headers").isEqualTo("198.51.100.4");
        assertThat(Transport.rightmost(List.of("2001:db8::7"))).isEqualTo("2001:db8::7");
        assertThat(Transport.rightmost(List.of("[2001:db8::7]:4711"))).isEqualTo("2001:db8::7");
        assertThat(Transport.rightmost(List.of("203.0.113.7:4711"))).isEqualTo("203.0.113.7");
    }

    @Test
    void anEntryThatIsNoAddressCountsForNothing() {
        assertThat(Transport.rightmost(List.of())).isNull();
        assertThat(Transport.rightmost(List.of("203.0.113.7, unknown"))).isNull();
        assertThat(Transport.rightmost(List.of("203.0.113.7, "))).isNull();
        assertThat(Transport.rightmost(List.of("evil.example"))).isNull();
    }
}
