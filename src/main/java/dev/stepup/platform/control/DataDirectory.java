package dev.stepup.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The data directory ({@code STEPUP_DATA_DIR}, default {@code ./stepup-data}): the embedded
 * database, the generated secret key and the generated admin token live here. Files
 * holding secrets are created readable by their owner only.
 */
@ApplicationScoped
public class DataDirectory {

    @Inject
    @ConfigProperty(name = "stepup.data.dir")
    String dataDir;

    public Path path() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    public Optional<String> read(String name) {
        Path file = path().resolve(name);
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /**
     * Writes a new owner-only file; returns false, writing nothing, if it exists already
     * (another start got there first).
     */
    public boolean createSecretFile(String name, String content) {
        Path file = path().resolve(name);
        try {
            Files.createDirectories(file.getParent());
            try {
                if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            Files.writeString(file, content + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
