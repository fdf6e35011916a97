package dev.stepup.identity.control;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BootstrapAdminTest {

    @Test
    void aConfiguredValueShorterThan20CharactersStopsTheStartAndNamesTheVariable() {
        assertThatThrownBy(() -> BootstrapAdmin.requireLength("STEPUP_BOOTSTRAP_ADMIN_PASSWORD", Optional.of("nineteen-characters")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("STEPUP_BOOTSTRAP_ADMIN_PASSWORD has 19 characters")
                .hasMessageNotContaining("nineteen-characters");
        assertThatCode(() -> BootstrapAdmin.requireLength("STEPUP_BOOTSTRAP_ADMIN_TOKEN", Optional.of("twenty-characters-ok")))
                .doesNotThrowAnyException();
        assertThatCode(() -> BootstrapAdmin.requireLength("STEPUP_BOOTSTRAP_ADMIN_TOKEN", Optional.empty()))
                .doesNotThrowAnyException();
    }
}
