package dev.stepup.authentication.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SignInThrottlesTest {

    @Test
    @DisplayName("an IPv6 client counts as its /64, within which addresses cost nothing; IPv4 as it is")
    void addressesAreCountedPerIpv4AddressAndPerIpv6Network() {
        assertThat(SignInThrottles.addressKey("203.0.113.7")).isEqualTo("203.0.113.7");
        assertThat(SignInThrottles.addressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isEqualTo("2001:db8:1:2::/64");
        assertThat(SignInThrottles.addressKey("2001:db8:1:2::1")).isEqualTo(SignInThrottles.addressKey("[2001:db8:1:2:ffff::9]"));
        assertThat(SignInThrottles.addressKey("2001:db8:1:3::1")).isNotEqualTo(SignInThrottles.addressKey("2001:db8:1:2::1"));
        assertThat(SignInThrottles.addressKey("0:0:0:0:0:0:0:1")).isEqualTo("0:0:0:0::/64");
        assertThat(SignInThrottles.addressKey("::ffff:203.0.113.7")).as("IPv4-mapped").isEqualTo("203.0.113.7");
        assertThat(SignInThrottles.addressKey(null)).isEqualTo("unknown");
        assertThat(SignInThrottles.addressKey("x".repeat(100))).hasSize(64);
    }

    @Test
    @DisplayName("the name-wide row keeps version 8's key; a (name, address) row is another, per address")
    void theTwoRowsOfAnAttempt() {
        SignInThrottles.Keys fromOne = SignInThrottles.Keys.of("admin", "203.0.113.7");
        SignInThrottles.Keys fromOther = SignInThrottles.Keys.of("admin", "198.51.100.4");

        assertThat(fromOne.name()).isEqualTo(dev.stepup.platform.control.Secrets.sha256("sign-in:admin"))
                .isEqualTo(fromOther.name());
        assertThat(fromOne.pair()).isNotEqualTo(fromOther.pair()).isNotEqualTo(fromOne.name())
                .isEqualTo(dev.stepup.platform.control.Secrets.sha256("sign-in-from:203.0.113.7\nadmin"));
        assertThat(fromOne.address()).isEqualTo("203.0.113.7");
        // A newline cannot be part of a name or an address, so no two (address, name) pairs meet.
        assertThat(SignInThrottles.Keys.of("b\nc", "a").pair()).isNotEqualTo(SignInThrottles.Keys.of("c", "a\nb").pair());
    }
}
