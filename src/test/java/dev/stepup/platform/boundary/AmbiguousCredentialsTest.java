package dev.stepup.platform.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class AmbiguousCredentialsTest {

    @Test
    void cookiesAreCountedAcrossPairsAndHeaders() {
        assertThat(AmbiguousCredentials.rawCounts(List.of("STEPUP_SESSION=a; other=1; STEPUP_SESSION=b")))
                .containsEntry("STEPUP_SESSION", 2).containsEntry("other", 1);
        assertThat(AmbiguousCredentials.rawCounts(List.of("STEPUP_SESSION=a", " STEPUP_SESSION =b")))
                .containsEntry("STEPUP_SESSION", 2);
        assertThat(AmbiguousCredentials.rawCounts(List.of("STEPUP_SESSION=a=b; x"))).containsEntry("STEPUP_SESSION", 1);
    }

    @Test
    void twoAuthorizationHeadersAreAmbiguousOneIsNot() {
        assertThat(AmbiguousCredentials.isAmbiguous(Collections.enumeration(List.of("TOKEN a", "TOKEN b")))).isTrue();
        assertThat(AmbiguousCredentials.isAmbiguous(Collections.enumeration(List.of("TOKEN a")))).isFalse();
        assertThat(AmbiguousCredentials.isAmbiguous(Collections.emptyEnumeration())).isFalse();
        assertThat(AmbiguousCredentials.isAmbiguous(null)).isFalse();
    }
}
