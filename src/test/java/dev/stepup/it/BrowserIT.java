package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: Debian's headless Chromium, driven by Debian's ChromeDriver
 * through Selenium, against the deployed WAR on PostgreSQL. Every page it visits is saved as
 * a screenshot in {@code target/screenshots}.
 */
@BlackBox
class BrowserIT {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String PASSWORD = "a long enough password";

    static WebDriver browser;

    Api api;
    Users users;

    @BeforeAll
    static void startBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("browser.binary", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("stepup-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("browser.driver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @BeforeEach
    void setUp() {
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(api.base().toString());
        browser.manage().deleteAllCookies();
    }

    @Test
    void signInRefusesAWrongPasswordThenOpensMySecurity() throws Exception {
        Users.Identity person = person("TenantAdmin");
        open("");
        waitFor(By.id("sign-in-username"));
        assertThat(browser.findElement(By.id("sign-out")).isDisplayed()).as("Sign out before anyone signed in").isFalse();
        screenshot("sign-in");
        signIn(person.username(), "not the password");
        waitForText(By.id("sign-in-message"), "Wrong username or password");

        signIn(person.username(), PASSWORD);
        waitForText(By.tagName("h1"), "My security");
        assertThat(text(By.id("who-name"))).isEqualTo(person.username());
        assertThat(text(By.id("registration-status"))).isEqualTo("UNREGISTERED");
        assertThat(browser.findElements(By.cssSelector("#nav a"))).extracting(WebElement::getText)
                .containsExactly("My security", "API token", "Registrations", "Configuration", "Audit log");
        var cookie = browser.manage().getCookieNamed("STEPUP_SESSION");
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        screenshot("my-security");

        click(By.id("sign-out"));
        waitFor(By.id("sign-in-username"));
        assertThat(browser.manage().getCookieNamed("STEPUP_SESSION")).isNull();
    }

    @Test
    void enrolsByTheQrCodeOnThePageThenRemovesTheRegistration() throws Exception {
        Users.Identity person = person("TenantAdmin");
        signInAs(person);
        click(By.id("enrol-start"));
        WebElement qr = waitFor(By.id("qr"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> (Boolean) ((JavascriptExecutor) d)
                .executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0", qr));
        String key = text(By.id("totp-key"));
        assertThat(waitFor(By.id("enrol-code")).getAttribute("autocomplete")).isEqualTo("one-time-code");
        assertThat(browser.findElement(By.id("enrol-code")).getAttribute("inputmode")).isEqualTo("numeric");
        screenshot("enrol");

        String uri = readQrCode(qr);
        assertThat(uri).startsWith("otpauth://totp/").contains("secret=" + key);
        TestTotp totp = TestTotp.fromUri(uri);
        long step = totp.currentStep();
        type(By.id("enrol-code"), totp.wrongCode());
        click(By.cssSelector("#enrol button[type=submit]"));
        waitForText(By.id("enrol-message"), "That code is wrong");
        type(By.id("enrol-code"), totp.code(step));
        click(By.cssSelector("#enrol button[type=submit]"));
        new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.textToBe(By.id("registration-status"), "REGISTERED"));
        assertThat(users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + person.userId()).string("status"))
                .isEqualTo("REGISTERED");
        // The recovery codes, shown this once, with a warning, copy and download.
        List<String> codes = browser.findElements(By.cssSelector("#recovery-codes .codes li")).stream()
                .map(WebElement::getText).toList();
        assertThat(codes).hasSize(10).allMatch(code -> code.matches(RecoveryIT.CODE));
        assertThat(text(By.cssSelector("#recovery-codes .warning"))).contains("shown only this once");
        assertThat(browser.findElement(By.id("codes-download")).getAttribute("download")).isEqualTo("stepup-recovery-codes.txt");
        assertThat(browser.findElement(By.id("codes-copy")).isDisplayed()).isTrue();
        assertThat(text(By.id("recovery-remaining"))).isEqualTo("10");
        screenshot("registered");
        click(By.id("codes-done"));
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.invisibilityOfElementLocated(By.id("recovery-codes")));

        // The confirmation used its time step; the next one is within the allowed skew.
        type(By.id("remove-code"), totp.code(step + 1));
        click(By.cssSelector("#remove button[type=submit]"));
        waitForText(By.id("registration-status"), "UNREGISTERED");
        assertThat(users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + person.userId()).string("status"))
                .isEqualTo("UNREGISTERED");
    }

    @Test
    void stepUpPromptShowsFailedAndThrottlingBeforeTheTokenAppears() throws Exception {
        Enrolled enrolled = Enrolled.of(users, person());
        Users.Identity person = enrolled.identity();
        signInAs(person);
        open("#/token");
        click(waitFor(By.id("token-create")));
        WebElement prompt = waitFor(By.id("step-up"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> prompt.isDisplayed());
        assertThat(browser.findElement(By.id("step-up-code")).getAttribute("autocomplete")).isEqualTo("one-time-code");

        for (int attempt = 1; attempt <= 5; attempt++) {
            type(By.id("step-up-code"), enrolled.totp().wrongCode());
            click(By.id("step-up-submit"));
            waitForText(By.id("step-up-message"), "FAILED");
            if (attempt == 1) {
                screenshot("step-up-failed");
            }
            // Clear the line so the next FAILED is a new answer, not the old text.
            ((JavascriptExecutor) browser).executeScript("document.getElementById('step-up-message').textContent = ''");
        }
        // From the fifth failure on the server makes each attempt wait; the browser may be
        // slow enough to land one more checked attempt first, so try until the wait shows.
        String answer = "";
        for (int attempt = 6; attempt <= 9 && !answer.contains("Too many"); attempt++) {
            type(By.id("step-up-code"), enrolled.totp().wrongCode());
            click(By.id("step-up-submit"));
            new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> !d.findElement(By.id("step-up-message")).getText().isEmpty());
            answer = text(By.id("step-up-message"));
            assertThat(answer).containsAnyOf("FAILED", "Too many wrong codes. Try again in");
            if (!answer.contains("Too many")) {
                ((JavascriptExecutor) browser).executeScript("document.getElementById('step-up-message').textContent = ''");
            }
        }
        assertThat(answer).contains("Too many wrong codes. Try again in");
        assertThat(browser.findElement(By.id("step-up-submit")).isEnabled()).isFalse();
        screenshot("step-up-throttled");
        waitForText(By.id("step-up-message"), "You can try again now", Duration.ofSeconds(20));

        type(By.id("step-up-code"), enrolled.nextCode());
        click(By.id("step-up-submit"));
        String token = waitForText(By.id("token"), "stp_");
        assertThat(prompt.isDisplayed()).isFalse();
        screenshot("api-token");
        Api.Reply me = api.token(token).get("/api/me");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.string("userId")).isEqualTo(person.userId());
    }

    @Test
    void adminResetsAUsersRegistrationAfterTheStepUpPrompt() throws Exception {
        Enrolled admin = Enrolled.of(users, person("IdentityManager"));
        Users.Identity user = Enrolled.of(users, person()).identity();
        signInAs(admin.identity());
        open("#/admin/registrations");
        waitFor(By.cssSelector("#registrations table"));
        screenshot("registrations");
        type(By.id("lookup-user"), user.userId());
        click(By.cssSelector("#user-lookup button[type=submit]"));
        waitForText(By.id("user-status"), "REGISTERED");
        assertThat(text(By.tagName("h1"))).isEqualTo(user.username());
        screenshot("user");

        click(By.id("reset"));
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.alertIsPresent()).accept();
        // Guarded administration: the session's admin steps up first, then the reset runs.
        stepUpInThePrompt(admin.nextCode());
        waitForText(By.id("reset-message"), "The registration was reset");
        assertThat(text(By.id("user-status"))).isEqualTo("UNREGISTERED");
        assertThat(users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + user.userId()).string("status"))
                .isEqualTo("UNREGISTERED");
    }

    @Test
    void configurationFormShowsTheServersRangeErrorNextToTheField() throws Exception {
        Enrolled admin = Enrolled.of(users, person("TenantAdmin"));
        String before = users.admin().get("/api/step-up/configuration").body();
        signInAs(admin.identity());
        open("#/admin/configuration");
        type(waitFor(By.id("cfg-validationWindow")), "999");
        click(By.cssSelector("#configuration button[type=submit]"));
        stepUpInThePrompt(admin.nextCode());
        String error = waitForText(By.id("cfg-validationWindow-error"), "validationWindow");
        assertThat(error).contains("15").contains("60");
        assertThat(browser.findElement(By.id("cfg-validationWindow")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(users.admin().get("/api/step-up/configuration").body()).isEqualTo(before);
        screenshot("configuration-error");

        open("#/admin/audit");
        waitFor(By.cssSelector("#audit table"));
        assertThat(text(By.id("audit"))).contains("SIGN_IN");
        screenshot("audit");
    }

    @Test
    void pagesFitAPhoneWidthScreen() throws Exception {
        Users.Identity person = person("TenantAdmin");
        browser.manage().window().setSize(new Dimension(390, 844));
        signInAs(person);
        // Each page with what it shows last: the layout is measured once its content is in.
        Map<String, By> pages = new java.util.LinkedHashMap<>();
        pages.put("#/security", By.id("registration-status"));
        pages.put("#/admin/registrations", By.cssSelector("#registrations table"));
        pages.put("#/admin/configuration", By.id("cfg-validationWindow"));
        pages.put("#/admin/audit", By.cssSelector("#audit table"));
        for (var page : pages.entrySet()) {
            open(page.getKey());
            waitFor(page.getValue());
            Long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).as("horizontal overflow on " + page.getKey()).isLessThanOrEqualTo(0L);
        }
        open("#/security");
        waitFor(By.id("registration-status"));
        screenshot("my-security-phone");
    }

    @Test
    void aLostPhoneIsResetWithARecoveryCodeAndTheNewOneEnrolled() throws Exception {
        RecoveryIT.Recovering lost = recovering();
        signInAs(lost.enrolled().identity());
        click(By.id("lost-device"));
        waitForText(By.tagName("h1"), "Lost your phone?");
        type(By.id("recover-code"), "0000-0000-00");
        click(By.cssSelector("#recover button[type=submit]"));
        waitForText(By.id("recover-message"), "not one of your unused recovery codes");
        screenshot("lost-device");
        // Typed as people type it: lower case, without the dashes.
        type(By.id("recover-code"), lost.codes().get(0).replace("-", "").toLowerCase(java.util.Locale.ROOT));
        click(By.cssSelector("#recover button[type=submit]"));
        waitFor(By.id("recovered"));
        assertThat(users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + lost.userId()).string("status"))
                .isEqualTo("UNREGISTERED");
        click(By.id("recover-enrol"));
        click(By.id("enrol-start"));
        waitFor(By.id("qr"));
        TestTotp phone = TestTotp.fromUri("otpauth://totp/x?secret=" + text(By.id("totp-key")) + "&algorithm=SHA1&digits=6&period=30");
        type(By.id("enrol-code"), phone.now());
        click(By.cssSelector("#enrol button[type=submit]"));
        waitForText(By.id("registration-status"), "REGISTERED");
        assertThat(browser.findElements(By.cssSelector("#recovery-codes .codes li"))).hasSize(10);
    }

    @Test
    void theStepUpPromptTakesARecoveryCode() throws Exception {
        RecoveryIT.Recovering user = recovering();
        signInAs(user.enrolled().identity());
        open("#/token");
        click(waitFor(By.id("token-create")));
        click(By.id("step-up-switch"));
        waitForText(By.id("step-up-label"), "recovery codes");
        type(By.id("step-up-code"), user.codes().get(1).replace('0', 'O'));
        click(By.id("step-up-submit"));
        waitForText(By.id("token"), "stp_");
        assertThat(users.admin().get("/api/audit?type=STEP_UP&userId=" + user.userId()).body()).contains("recovery code");
    }

    @Test
    void anOldSessionConfirmsThePasswordInADialogBeforeEnrolling() throws Exception {
        Users.Identity person = person();
        signInAs(person);
        CredentialRows.agePasswordConfirmation(person.userId(), 6);
        click(By.id("enrol-start"));
        WebElement dialog = waitFor(By.id("confirm-password"));
        type(By.id("confirm-password-input"), "not the password");
        click(By.id("confirm-password-submit"));
        waitForText(By.id("confirm-password-message"), "not your password");
        screenshot("confirm-password");
        type(By.id("confirm-password-input"), PASSWORD);
        click(By.id("confirm-password-submit"));
        waitFor(By.id("qr"));
        assertThat(dialog.isDisplayed()).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    /** A local user with a password, enrolled, and the recovery codes of its confirmation. */
    private RecoveryIT.Recovering recovering() {
        Users.Identity person = person();
        RecoveryIT.Recovering enrolled = RecoveryIT.Recovering.enrol(users, person);
        return enrolled;
    }

    /** Answers the step-up prompt that an action opened with {@code code}. */
    private void stepUpInThePrompt(String code) {
        WebElement prompt = waitFor(By.id("step-up"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> prompt.isDisplayed());
        type(By.id("step-up-code"), code);
        click(By.id("step-up-submit"));
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> !prompt.isDisplayed());
    }

    /** A local user with a password and the given roles, made by the bootstrap admin. */
    private Users.Identity person(String... roles) {
        return users.createWithPassword(PASSWORD, roles);
    }

    private void signInAs(Users.Identity person) {
        open("");
        waitFor(By.id("sign-in-username"));
        signIn(person.username(), PASSWORD);
        waitForText(By.tagName("h1"), "My security");
    }

    private void signIn(String username, String password) {
        type(By.id("sign-in-username"), username);
        type(By.id("sign-in-password"), password);
        click(By.cssSelector("form button[type=submit]"));
    }

    private void open(String hash) {
        browser.get(api.base().toString() + hash);
    }

    private WebElement waitFor(By locator) {
        return new WebDriverWait(browser, Duration.ofSeconds(15))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private String waitForText(By locator, String expected) {
        return waitForText(locator, expected, Duration.ofSeconds(15));
    }

    private String waitForText(By locator, String expected, Duration timeout) {
        new WebDriverWait(browser, timeout)
                .withMessage(() -> "waiting for \"" + expected + "\" in " + locator + "; page says: "
                        + browser.findElement(By.tagName("body")).getText())
                .until(ExpectedConditions.textToBePresentInElementLocated(locator, expected));
        return browser.findElement(locator).getText();
    }

    private String text(By locator) {
        return waitFor(locator).getText();
    }

    private void type(By locator, String value) {
        type(waitFor(locator), value);
    }

    private static void type(WebElement field, String value) {
        field.clear();
        field.sendKeys(value);
    }

    private void click(By locator) {
        click(waitFor(locator));
    }

    private static void click(WebElement element) {
        element.click();
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"),
                ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /**
     * Reads the QR code of the image the page received: the browser draws the loaded image
     * (an SVG) into a canvas of 720 pixels, and ZXing reads that PNG. Not a screenshot: what is
     * read is the image itself, drawn crisply, whatever the page's layout and painting.
     */
    private static String readQrCode(WebElement image) throws Exception {
        Object drawn = ((JavascriptExecutor) browser).executeAsyncScript("""
                const image = arguments[0], done = arguments[arguments.length - 1];
                image.decode().then(() => {
                    const canvas = document.createElement('canvas');
                    canvas.width = 720;
                    canvas.height = 720;
                    const context = canvas.getContext('2d');
                    context.fillStyle = '#fff';
                    context.fillRect(0, 0, canvas.width, canvas.height);
                    context.drawImage(image, 0, 0, canvas.width, canvas.height);
                    done(canvas.toDataURL('image/png'));
                }, failure => done('failed: ' + failure));""", image);
        assertThat(String.valueOf(drawn)).as("the QR image drawn by the browser").startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(String.valueOf(drawn).substring("data:image/png;base64,".length()));
        Files.write(SCREENSHOTS.resolve("enrol-qr-code.png"), png);
        BufferedImage pixels = ImageIO.read(new ByteArrayInputStream(png));
        return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(pixels))),
                Map.of(DecodeHintType.PURE_BARCODE, Boolean.TRUE, DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
    }
}
