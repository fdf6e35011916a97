package dev.stepup.bench;
import dev.stepup.it.TestTotp;
import java.net.http.HttpRequest;
import java.nio.file.Path;
final class KeycloakServer implements AutoCloseable {
    static final String VERSION = "x";
    static KeycloakServer start(Path home, int users, int port) throws Exception { return null; }
    long pid() { return 0; }
    String database() { return ""; }
    double startSeconds() { return 0; }
    double restart() throws Exception { return 0; }
    TestTotp totp(int user) { return null; }
    HttpRequest login(int user, String code) { return null; }
    int users() { return 0; }
    @Override public void close() {}
}
