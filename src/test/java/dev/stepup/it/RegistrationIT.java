package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.Test;

/** Enrolment, configuration and the verifier over HTTP, on PostgreSQL. */
@BlackBox
class RegistrationIT {

    Api api;
    Users users;

    @Test
    void fullEnrolmentWithAnIndependentlyComputedCode() throws Exception {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        assertThat(me.get("/api/mfa/register/TOTP").json()).isEqualTo(json("{\"status\":\"UNREGISTERED\",\"factor\":\"TOTP\"}"));

        Api.Reply challenge = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).isEqualTo(200);
        assertThat(challenge.header("Cache-Control")).contains("no-store");
        JsonObject body = challenge.json();
        assertThat(body.getString("status")).isEqualTo("CHALLENGE");
        assertThat(body.getString("factor")).isEqualTo("TOTP");
        JsonObject details = body.getJsonObject("additionalDetails");
        assertThat(details.getString("registrationStatus")).isEqualTo("CHALLENGE");
        String key = details.getString("key");
        assertThat(key).matches("[A-Z2-7]{32}");
        assertThat(new Base32().decode(key)).hasSize(20);
        assertThat(details.getString("uri")).isEqualTo("otpauth://totp/StepUp:" + user.username() + "?secret=" + key
                + "&issuer=StepUp&algorithm=SHA1&digits=6&period=30");
        assertThat(me.get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("CHALLENGE");

        TestTotp totp = TestTotp.fromUri(details.getString("uri"));
        String code = totp.now();
        Api.Reply verified = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + code + "\"}");
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json().getString("status")).isEqualTo("REGISTERED");
        assertThat(verified.json().getString("factor")).isEqualTo("TOTP");
        assertThat(verified.json().getJsonArray("recoveryCodes")).hasSize(10);
        assertThat(me.get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("REGISTERED");

        Api.Reply again = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.errorCode()).isEqualTo("MFA-0002");

        // The column holds no form of the secret in clear.
        byte[] raw = new Base32().decode(key);
        String stored = RegistrationRows.shared().secretCiphertext(user.userId());
        assertThat(stored).doesNotContain(key).doesNotContain(Base64.getEncoder().encodeToString(raw))
                .doesNotContain(HexFormat.of().formatHex(raw));
        assertThat(HexFormat.of().formatHex(Base64.getDecoder().decode(stored))).doesNotContain(HexFormat.of().formatHex(raw));
        assertThat(RegistrationRows.shared().keyId(user.userId())).isNotBlank();
    }

    @Test
    void aNewSecretReplacesAPendingOne() {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        String first = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json()
                .getJsonObject("additionalDetails").getString("uri");
        String second = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json()
                .getJsonObject("additionalDetails").getString("uri");
        assertThat(second).isNotEqualTo(first);
        TestTotp old = TestTotp.fromUri(first);
        Api.Reply withOld = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + old.now() + "\"}");
        assertThat(withOld.status()).isEqualTo(400);
        assertThat(withOld.errorCode()).isEqualTo("MFA-0007");
        Api.Reply withNew = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + TestTotp.fromUri(second).now() + "\"}");
        assertThat(withNew.status()).as(withNew.toString()).isEqualTo(200);
        assertThat(withNew.json().getString("status")).isEqualTo("REGISTERED");
    }

    @Test
    void verifyErrorsFollowTheContract() {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        Api.Reply nothingPending = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"123456\"}");
        assertThat(nothingPending.status()).isEqualTo(409);
        assertThat(nothingPending.errorCode()).isEqualTo("MFA-0003");

        me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        for (String otp : new String[] {"12345", "abcdef", "1234567", "12 456", ""}) {
            Api.Reply malformed = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + otp + "\"}");
            assertThat(malformed.status()).as(otp).isEqualTo(400);
            assertThat(malformed.errorCode()).as(otp).isEqualTo("MFA-0004");
        }
        Api.Reply missing = me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("MFA-0004");
        Api.Reply unknownAction = me.post("/api/mfa/register/TOTP", "{\"action\":\"ENROL\"}");
        assertThat(unknownAction.status()).isEqualTo(400);
        assertThat(unknownAction.errorCode()).isEqualTo("MFA-0008");
        Api.Reply unknownFactor = me.post("/api/mfa/register/SMS", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(unknownFactor.status()).isEqualTo(400);
        assertThat(unknownFactor.errorCode()).isEqualTo("MFA-0001");
        Api.Reply lowerCase = me.get("/api/mfa/register/totp");
        assertThat(lowerCase.status()).isEqualTo(400);
        assertThat(lowerCase.errorCode()).isEqualTo("MFA-0001");
    }

    @Test
    void changedConfigurationAppliesToNewEnrolmentsAndSparesExistingOnes() {
        Api admin = users.admin();
        Enrolled before = Enrolled.create(users);
        Api.Reply changed;
        Enrolled after;
        try (var configuration = TenantConfiguration.change(admin, """
                {"validationWindow":"20","completedCookieMaxAge":5,
                 "totpConfiguration":{"hashFunction":"SHA256","digits":"8","timeStep":60}}""")) {
            changed = configuration.answer();
            assertThat(changed.json()).isEqualTo(json("""
                    {"validationWindow":20,"completedCookieMaxAge":5,
                     "totpConfiguration":{"hashFunction":"SHA256","digits":8,"timeStep":60}}"""));
            assertThat(before.api().get("/api/step-up/configuration").json()).isEqualTo(changed.json());
            after = Enrolled.create(users);
        }
        assertThat(after.totp().algorithm()).isEqualTo("SHA256");
        assertThat(after.totp().digits()).isEqualTo(8);
        assertThat(after.totp().period()).isEqualTo(60);
        Api.Reply stepUpNew = after.stepUp();
        assertThat(stepUpNew.json().getString("result")).as(stepUpNew.toString()).isEqualTo("SUCCESS");

        // The earlier registration keeps SHA1, 6 digits, 30 s.
        assertThat(before.totp().digits()).isEqualTo(6);
        Api.Reply stepUpOld = before.stepUp();
        assertThat(stepUpOld.json().getString("result")).as(stepUpOld.toString()).isEqualTo("SUCCESS");
    }

    @Test
    void theAnswerToAChangeIsTheStoredConfiguration() {
        try (var configuration = TenantConfiguration.change(users.admin(), """
                {"validationWindow":"45","completedCookieMaxAge":"9",
                 "totpConfiguration":{"hashFunction":"SHA512","digits":7,"timeStep":"90"}}""")) {
            JsonObject stored = json("""
                    {"validationWindow":45,"completedCookieMaxAge":9,
                     "totpConfiguration":{"hashFunction":"SHA512","digits":7,"timeStep":90}}""");
            assertThat(configuration.answer().json()).isEqualTo(stored);
            Api.Reply read = api.token(users.create().token()).get("/api/step-up/configuration");
            assertThat(read.status()).as(read.toString()).isEqualTo(200);
            assertThat(read.json()).isEqualTo(stored);
        }
    }

    @Test
    void configurationOutOfRangeNamesTheField() {
        Api admin = users.admin();
        String before = admin.get("/api/step-up/configuration").body();
        String[][] cases = {
            {"{\"validationWindow\":14,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}", "validationWindow"},
            {"{\"validationWindow\":30,\"completedCookieMaxAge\":301,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}", "completedCookieMaxAge"},
            {"{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"MD5\",\"digits\":6,\"timeStep\":30}}", "totpConfiguration.hashFunction"},
            {"{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":9,\"timeStep\":30}}", "totpConfiguration.digits"},
            {"{\"validationWindow\":30,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":\"abc\"}}", "totpConfiguration.timeStep"},
            {"{\"validationWindow\":30.5,\"completedCookieMaxAge\":5,\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}", "validationWindow"},
            {"{\"validationWindow\":30,\"completedCookieMaxAge\":5}", "totpConfiguration"},
        };
        for (String[] c : cases) {
            Api.Reply reply = admin.post("/api/step-up/configuration", c[0]);
            assertThat(reply.status()).as(c[0]).isEqualTo(400);
            assertThat(reply.errorCode()).as(c[0]).isEqualTo("CFG-0001");
            assertThat(reply.json().getJsonObject("details").getString("field")).as(c[0]).isEqualTo(c[1]);
        }
        Users.Identity plain = users.create();
        Api.Reply notAdmin = api.token(plain.token()).post("/api/step-up/configuration", cases[0][0]);
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.errorCode()).isEqualTo("AU-0403");
        assertThat(admin.get("/api/step-up/configuration").body()).as("refused changes change nothing").isEqualTo(before);
    }

    @Test
    void ownRegistrationIsDeletedOnlyWithAValidCurrentCode() {
        Enrolled admin = Enrolled.create(users, "TenantAdmin");
        Api.Reply wrong = admin.api().delete("/api/mfa/register/TOTP/" + admin.totp().wrongCode());
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.errorCode()).isEqualTo("MFA-0006");
        Api.Reply malformed = admin.api().delete("/api/mfa/register/TOTP/12ab56");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("MFA-0004");

        Api.Reply deleted = admin.api().delete("/api/mfa/register/TOTP/" + admin.nextCode());
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(deleted.json().isNull("errorCode")).isTrue();
        assertThat(deleted.json().getString("message")).isNotBlank();
        assertThat(admin.api().get("/api/mfa/register/TOTP").json().getString("status")).isEqualTo("UNREGISTERED");
        Api.Reply nothing = admin.api().delete("/api/mfa/register/TOTP/123456");
        assertThat(nothing.status()).isEqualTo(409);
        assertThat(nothing.errorCode()).isEqualTo("MFA-0003");

        Enrolled plain = Enrolled.create(users);
        Api.Reply notAdmin = plain.api().delete("/api/mfa/register/TOTP/" + plain.nextCode());
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.errorCode()).isEqualTo("AU-0403");
    }

    @Test
    void qrCodeOfThePendingChallengeReadsBackAsItsUri() throws Exception {
        Users.Identity user = users.create();
        Api me = api.token(user.token());
        Api.Reply none = me.get("/api/mfa/register/TOTP/qr");
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.errorCode()).isEqualTo("MFA-0003");

        String uri = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json()
                .getJsonObject("additionalDetails").getString("uri");
        HttpResponse<byte[]> png = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(api.base().resolve("api/mfa/register/TOTP/qr"))
                        .header("Authorization", "TOKEN " + user.token()).header("Accept", "image/png").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/png"));
        assertThat(png.headers().firstValue("Cache-Control")).hasValueSatisfying(c -> assertThat(c).contains("no-store"));
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        String decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE,
                        com.google.zxing.DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        assertThat(decoded).isEqualTo(uri);

        Api.Reply svg = me.header("Accept", "image/svg+xml").get("/api/mfa/register/TOTP/qr");
        assertThat(svg.status()).isEqualTo(200);
        assertThat(svg.header("Content-Type")).startsWith("image/svg+xml");
        assertThat(svg.body()).startsWith("<svg").contains("<path");
    }

    @Test
    void theLongestUsernameStillGetsItsQrCode() {
        // 255 characters of three UTF-8 bytes each, unique by the last eight: the URI needs
        // the QR code's lower error correction to fit.
        StringBuilder name = new StringBuilder("€".repeat(247));
        new java.util.Random().ints(8, 0x4E00, 0x9FFF).forEach(name::appendCodePoint);
        Api.Reply created = users.admin().post("/api/users",
                "{\"type\":\"User\",\"username\":\"" + name + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        Api.Reply token = users.admin().post("/api/users/" + created.string("userId") + "/tokens", "{}");
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        Api me = api.token(token.string("token"));
        Api.Reply challenge = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}");
        assertThat(challenge.status()).as(challenge.toString()).isEqualTo(200);

        Api.Reply svg = me.header("Accept", "image/svg+xml").get("/api/mfa/register/TOTP/qr");
        assertThat(svg.status()).as(svg.toString()).isEqualTo(200);
        assertThat(svg.body()).startsWith("<svg").contains("<path");
    }

    @Test
    void serverLogHoldsNoSecretAndNoCode() {
        Users.Identity person = users.create("TenantAdmin");
        Api me = api.token(person.token());
        var details = me.post("/api/mfa/register/TOTP", "{\"action\":\"GENERATE_SECRET\"}").json().getJsonObject("additionalDetails");
        TestTotp totp = TestTotp.fromUri(details.getString("uri"));
        String wrong = totp.wrongCode();
        me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + wrong + "\"}").assertError(400, "MFA-0007");
        long step = totp.currentStep();
        String confirmation = totp.code(step);
        assertThat(me.post("/api/mfa/register/TOTP", "{\"action\":\"VERIFY\",\"otp\":\"" + confirmation + "\"}").status()).isEqualTo(200);
        String stepUpCode = totp.code(step + 1);
        Api.Reply steppedUp = me.post("/api/step-up/authenticate/TOTP", "{\"otp\":\"" + stepUpCode + "\"}");
        assertThat(steppedUp.json().getString("result")).as(steppedUp.toString()).isEqualTo("SUCCESS");
        String setCookie = steppedUp.header("Set-Cookie");
        String completion = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        RegistrationRows.shared().forgetUsedSteps(person.userId());
        String credential = totp.now();
        assertThat(me.delete("/api/mfa/register/TOTP/" + credential).status()).isEqualTo(200);

        String text = ServerLogs.upToNow(api);
        assertThat(text).as("the server log was read").contains("Database schema at version");
        for (String secret : List.of(details.getString("key"), wrong, confirmation, stepUpCode, completion, credential, person.token())) {
            assertThat(Pattern.compile("(?<![0-9A-Za-z_-])" + Pattern.quote(secret) + "(?![0-9A-Za-z_-])").matcher(text).find())
                    .as("the server log holds a secret or code of this test").isFalse();
        }
    }

    private static JsonObject json(String text) {
        return jakarta.json.Json.createReader(new java.io.StringReader(text)).readObject();
    }
}
