package dev.stepup.registration.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import dev.stepup.otp.control.HashFunction;
import dev.stepup.otp.control.TotpParameters;
import dev.stepup.platform.boundary.ApiException;
import dev.stepup.registration.control.OtpauthUri;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class QrCodesTest {

    static final String KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    static final TotpParameters PARAMETERS = new TotpParameters(HashFunction.SHA512, 8, 60);

    @Test
    void theLongestUsernameOfThreeByteCharactersStillGetsAQrCode() throws Exception {
        // 255 characters of three UTF-8 bytes each: 2 295 bytes percent-encoded, more than
        // error correction M holds (2 331 bytes with the rest of the URI), less than L's 2 953.
        String uri = OtpauthUri.of("StepUp", "€".repeat(255), KEY, PARAMETERS);
        assertThat(uri.getBytes(StandardCharsets.UTF_8).length).isBetween(2_332, 2_953);

        assertThat(decode(QrCodes.png(uri, 2))).isEqualTo(uri);
        assertThat(QrCodes.svg(uri)).startsWith("<svg").contains("<path");
    }

    @Test
    void aUriNoQrCodeCanHoldIsAClearConflict() {
        String uri = OtpauthUri.of("€".repeat(60), "€".repeat(255), KEY, PARAMETERS);
        assertThat(uri.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(2_953);

        assertThatThrownBy(() -> QrCodes.svg(uri))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo("MFA-0010");
                });
    }

    private static String decode(byte[] png) throws IOException, NotFoundException {
        var image = ImageIO.read(new ByteArrayInputStream(png));
        return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE, DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    }
}
