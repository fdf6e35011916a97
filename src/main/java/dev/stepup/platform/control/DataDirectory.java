package dev.stepup.platform.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The data directory ({@code STEPUP_DATA_DIR}, default {@code ./stepup-data}): the embedded
 * database, the generated secret key and the generated admin token live here. The directory
 * is created readable by its owner only ({@code rwx------}): H2 creates its own files with the
 * process's umask, so the directory is what keeps other local users from the password and
 * token hashes in them. The files StepUp writes itself are owner-only as well.
 */
@ApplicationScoped
public class DataDirectory {

    private static final Logger LOG = Logger.getLogger(DataDirectory.class.getName());

    /** Directories already checked in this process, so each is warned about once. */
    private static final Set<Path> CHECKED = ConcurrentHashMap.newKeySet();

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

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
     * (another start got there first). The content is written to a temporary file and forced
     * to disk first, then linked under its name, so a crash never leaves the file empty or
     * half written.
     */
    public boolean createSecretFile(String name, String content) {
        Path file = path().resolve(name);
        Path written = writeTemporary(file, content);
        try {
            Files.createLink(file, written);
            forceDirectory(file.getParent());
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        } finally {
            deleteQuietly(written);
        }
    }

    /** Writes an owner-only file, replacing any earlier one in one step (same care as above). */
    public void replaceSecretFile(String name, String content) {
        Path file = path().resolve(name);
        Path written = writeTemporary(file, content);
        try {
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        } finally {
            deleteQuietly(written);
        }
    }

    /**
     * Makes {@code directory} (and any missing parent) readable by its owner only, if it does
     * not exist yet; an existing one is left as it is, with a warning if other users may read
     * it (it may be shared on purpose, say with a backup group, so it is not changed).
     */
    public static Path ensurePrivate(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        try {
            boolean posix = absolute.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (!Files.exists(absolute)) {
                if (posix) {
                    Files.createDirectories(absolute, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    // The umask can only take permissions away; this makes sure of the rest.
                    Files.setPosixFilePermissions(absolute, OWNER_ONLY);
                } else {
                    Files.createDirectories(absolute);
                }
                CHECKED.add(absolute);
            } else if (posix && CHECKED.add(absolute)) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(absolute);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    LOG.warning("The data directory " + absolute + " is open to other local users ("
                            + PosixFilePermissions.toString(permissions) + "); it holds the embedded database (password"
                            + " and token hashes) and secret keys. Unless that is on purpose: chmod 700 " + absolute);
                }
            }
            return absolute;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + absolute, e);
        }
    }

    private static Path writeTemporary(Path file, String content) {
        try {
            ensurePrivate(file.getParent());
            Path temporary = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? Files.createTempFile(file.getParent(), file.getFileName() + ".", ".new",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(file.getParent(), file.getFileName() + ".", ".new");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap((content + "\n").getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            return temporary;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Makes the new name itself durable (Linux; elsewhere a directory cannot be opened and this does nothing). */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover .new file holds nothing that is not in the real one
        }
    }
}
