package dev.stepup.registration.boundary;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import dev.stepup.platform.boundary.ApiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** Draws a QR code (encoded by ZXing) of an otpauth URI as SVG or PNG. */
final class QrCodes {

    private static final int QUIET_ZONE = 4;

    private QrCodes() {
    }

    static String svg(String text) {
        BitMatrix matrix = encode(text);
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < matrix.getHeight(); y++) {
            for (int x = 0; x < matrix.getWidth(); x++) {
                if (matrix.get(x, y)) {
                    path.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                }
            }
        }
        int size = matrix.getWidth();
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size
                + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code for your authenticator app\">"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
    }

    static byte[] png(String text, int scale) {
        BitMatrix matrix = encode(text);
        int size = matrix.getWidth() * scale;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, matrix.get(x / scale, y / scale) ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Error correction M where the URI fits it, else L, which holds 2 953 bytes: a 255-character
     * username of three-byte characters is 2 295 of them once percent-encoded. Only a long
     * issuer as well can exceed that; the key and the URI of {@code GENERATE_SECRET} still work.
     */
    private static BitMatrix encode(String text) {
        try {
            return encode(text, ErrorCorrectionLevel.M);
        } catch (WriterException tooLongForM) {
            try {
                return encode(text, ErrorCorrectionLevel.L);
            } catch (WriterException tooLong) {
                throw new ApiException(409, "MFA-0010",
                        "The otpauth URI is too long for a QR code: enter the key from GENERATE_SECRET instead");
            }
        }
    }

    private static BitMatrix encode(String text, ErrorCorrectionLevel level) throws WriterException {
        // Size 0 asks for the smallest matrix: one unit per module, plus the quiet zone.
        return new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                Map.of(EncodeHintType.ERROR_CORRECTION, level, EncodeHintType.MARGIN, QUIET_ZONE));
    }
}
