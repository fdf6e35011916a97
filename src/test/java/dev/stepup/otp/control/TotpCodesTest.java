package dev.stepup.otp.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TotpCodesTest {

    record Vector(long unixTime, long step, HashFunction hash, byte[] key, String code) {
        @Override
        public String toString() {
            return hash + " at " + unixTime;
        }
    }

    static Stream<Vector> rfc6238() throws IOException {
        return rows("/vectors/rfc6238.tsv").stream().map(f -> new Vector(Long.parseLong(f[0]),
                Long.parseUnsignedLong(f[1], 16), HashFunction.valueOf(f[2]), f[3].getBytes(StandardCharsets.US_ASCII), f[4]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc6238")
    @DisplayName("RFC 6238 Appendix B: every vector, including T beyond 2^32")
    void rfc6238Vectors(Vector vector) {
        TotpParameters parameters = new TotpParameters(vector.hash(), 8, 30);
        assertThat(parameters.stepAt(java.time.Instant.ofEpochSecond(vector.unixTime()))).isEqualTo(vector.step());
        assertThat(TotpCodes.codeAt(vector.key(), parameters, vector.step())).isEqualTo(vector.code());
        TotpCodes.Match match = TotpCodes.match(vector.key(), parameters, new Otp(vector.code()), vector.step(), -1);
        assertThat(match.step()).isEqualTo(vector.step());
    }

    @Test
    @DisplayName("RFC 4226 Appendix D: HOTP values for counters 0 to 9 (6 digits, SHA1)")
    void rfc4226Vectors() throws IOException {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpParameters parameters = new TotpParameters(HashFunction.SHA1, 6, 30);
        List<String[]> rows = rows("/vectors/rfc4226.tsv");
        assertThat(rows).hasSize(10);
        for (String[] row : rows) {
            assertThat(TotpCodes.codeAt(key, parameters, Long.parseLong(row[0]))).as("counter " + row[0]).isEqualTo(row[1]);
        }
    }

    @Test
    void oneStepOfSkewEachWayIsAcceptedTwoStepsAreNot() {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpParameters parameters = new TotpParameters(HashFunction.SHA1, 6, 30);
        long now = 1_000_000;
        for (long offset = -1; offset <= 1; offset++) {
            Otp code = new Otp(TotpCodes.codeAt(key, parameters, now + offset));
            assertThat(TotpCodes.match(key, parameters, code, now, -1).step()).as("offset " + offset).isEqualTo(now + offset);
        }
        for (long offset : new long[] {-2, 2}) {
            Otp code = new Otp(TotpCodes.codeAt(key, parameters, now + offset));
            assertThat(TotpCodes.match(key, parameters, code, now, -1).accepted()).as("offset " + offset).isFalse();
        }
    }

    @Test
    void aCodeOfAnUsedStepIsAReplay() {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        TotpParameters parameters = new TotpParameters(HashFunction.SHA1, 6, 30);
        Otp code = new Otp(TotpCodes.codeAt(key, parameters, 500));
        TotpCodes.Match match = TotpCodes.match(key, parameters, code, 500, 500);
        assertThat(match.accepted()).isFalse();
        assertThat(match.replayed()).isTrue();
        assertThat(TotpCodes.match(key, parameters, new Otp("000000".equals(code.digits()) ? "111111" : "000000"), 500, 500).replayed())
                .isFalse();
    }

    static List<String[]> rows(String resource) throws IOException {
        try (var in = TotpCodesTest.class.getResourceAsStream(resource);
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")).toList();
        }
    }
}
