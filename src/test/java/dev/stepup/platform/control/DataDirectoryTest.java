package dev.stepup.platform.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path temporary;

    @Test
    void theDirectoryIsMadeForItsOwnerOnlyAndSoAreTheFilesStepUpWrites() throws IOException {
        DataDirectory directory = new DataDirectory();
        directory.dataDir = temporary.resolve("new").resolve("stepup-data").toString();

        assertThat(directory.createSecretFile("admin-token", "value")).isTrue();
        directory.replaceSecretFile("admin-password", "other value");

        assertThat(permissions(temporary.resolve("new").resolve("stepup-data"))).isEqualTo("rwx------");
        assertThat(permissions(temporary.resolve("new"))).as("a parent it made too").isEqualTo("rwx------");
        assertThat(permissions(directory.path().resolve("admin-token"))).isEqualTo("rw-------");
        assertThat(permissions(directory.path().resolve("admin-password"))).isEqualTo("rw-------");
        assertThat(directory.read("admin-password")).contains("other value");
    }

    @Test
    void theDirectoryOfAnEmbeddedH2DatabaseIsKnownFromItsUrl() {
        assertThat(UrlDataSource.embeddedDirectory("jdbc:h2:file:" + temporary + "/data/stepup;WRITE_DELAY=0"))
                .contains(temporary.resolve("data"));
        assertThat(UrlDataSource.embeddedDirectory("jdbc:h2:./stepup-data/stepup"))
                .contains(Path.of("stepup-data").toAbsolutePath());
        assertThat(UrlDataSource.embeddedDirectory("jdbc:h2:mem:test")).isEmpty();
        assertThat(UrlDataSource.embeddedDirectory("jdbc:h2:tcp://db/stepup")).isEmpty();
        assertThat(UrlDataSource.embeddedDirectory("jdbc:postgresql://127.0.0.1/stepup")).isEmpty();
    }

    @Test
    void anEmbeddedDatabaseDirectoryIsMadeOwnerOnlyBeforeH2MakesIt() throws IOException {
        Path made = DataDirectory.ensurePrivate(temporary.resolve("h2"));

        assertThat(made).isDirectory();
        assertThat(permissions(made)).isEqualTo("rwx------");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
