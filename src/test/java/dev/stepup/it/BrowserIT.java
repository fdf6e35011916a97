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
        screenshot("registered");

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
    void adminResetsAUsersRegistration() throws Exception {
        Users.Identity admin = person("IdentityManager");
        Users.Identity user = Enrolled.of(users, person()).identity();
        signInAs(admin);
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
        waitForText(By.id("reset-message"), "The registration was reset");
        assertThat(text(By.id("user-status"))).isEqualTo("UNREGISTERED");
        assertThat(users.admin().get("/api/mfa/admin/registrations/TOTP/users/" + user.userId()).string("status"))
                .isEqualTo("UNREGISTERED");
    }

    @Test
    void configurationFormShowsTheServersRangeErrorNextToTheField() throws Exception {
        Users.Identity admin = person("TenantAdmin");
        String before = users.admin().get("/api/step-up/configuration").body();
        signInAs(admin);
        open("#/admin/configuration");
        type(waitFor(By.id("cfg-validationWindow")), "999");
        click(By.cssSelector("#configuration button[type=submit]"));
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

    // ---------------------------------------------------------------- helpers

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
