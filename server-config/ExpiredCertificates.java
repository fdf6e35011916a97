import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;

/**
 * Takes the expired certificates out of a trust store; run by {@code stepup-start} (Java's
 * source launcher) on each new version's Payara root directory, because Payara Micro prints
 * every expired certificate of its trust store whole, at every start.
 *
 * <pre>java ExpiredCertificates.java &lt;PKCS12 trust store&gt; &lt;password&gt;</pre>
 *
 * Prints one line per entry taken out (its alias and the day it expired) and exits 0; leaves
 * the store as it was and exits 1, with the reason on standard error, when it cannot read or
 * write it. Only certificate entries are looked at, never a key.
 */
public class ExpiredCertificates {

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java ExpiredCertificates.java <PKCS12 trust store> <password>");
            System.exit(2);
        }
        try {
            for (String line : removeExpired(Path.of(args[0]), args[1].toCharArray(), new Date())) {
                System.out.println(line);
            }
        } catch (IOException | GeneralSecurityException e) {
            System.err.println(args[0] + ": " + e);
            System.exit(1);
        }
    }

    static List<String> removeExpired(Path path, char[] password, Date now) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password);
        }
        List<String> removed = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
            Certificate certificate = store.isCertificateEntry(alias) ? store.getCertificate(alias) : null;
            if (certificate instanceof X509Certificate x509 && x509.getNotAfter().before(now)) {
                store.deleteEntry(alias);
                removed.add(alias + " (expired " + x509.getNotAfter().toInstant().toString().substring(0, 10) + ")");
            }
        }
        if (!removed.isEmpty()) {
            // Whole or not at all: a new file that then takes the old one's place.
            Path written = Files.createTempFile(path.getParent(), path.getFileName().toString(), ".tmp");
            try {
                Files.setPosixFilePermissions(written, Files.getPosixFilePermissions(path));
                try (OutputStream out = Files.newOutputStream(written)) {
                    store.store(out, password);
                }
                Files.move(written, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(written);
            }
        }
        return removed;
    }
}
