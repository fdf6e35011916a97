package dev.stepup.platform.boundary;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses request bodies over 64 KiB with {@code 413 REQ-0413}: at once when
 * {@code Content-Length} says so, and while reading when a chunked body grows past it.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
public class BodyLimit implements ContainerRequestFilter {

    static final int MAX_BYTES = 64 * 1024;

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    @Override
    public void filter(ContainerRequestContext request) {
        // Read as text: getLength() throws for a length beyond int or a malformed header.
        List<String> lengths = request.getHeaders().get(HttpHeaders.CONTENT_LENGTH);
        if (lengths != null && !lengths.isEmpty()) {
            String length = lengths.get(0).strip();
            if (lengths.size() > 1 || !DIGITS.matcher(length).matches()) {
                throw ApiException.badRequest("Content-Length must be one whole number of bytes");
            }
            String digits = length.replaceFirst("^0+(?=.)", "");
            if (digits.length() > 9 || Integer.parseInt(digits) > MAX_BYTES) {
                throw tooLarge();
            }
        }
        // Counted as it is read, whoever reads it: a pre-matching filter's stream is the one
        // every reader gets, on Jersey and RESTEasy alike.
        request.setEntityStream(new Limited(request.getEntityStream()));
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "REQ-0413", "Request body larger than 64 KiB");
    }

    private static final class Limited extends FilterInputStream {

        private long read;

        Limited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > MAX_BYTES) {
                throw tooLarge();
            }
        }
    }
}
