package dev.stepup.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The two example applications beside StepUp in one Payara Micro, as the README starts them
 * ({@code --deploy stepup.war --deploy example-jsf.war --deploy example-spa.war}, on a
 * PostgreSQL database of this class's own, one {@code STEPUP_BOOTSTRAP_VERIFIER_TOKEN} for
 * StepUp and the guard), driven end to end in two headless Chromium browsers. Each test has a
 * user of its own, enrolled in StepUp, who signs in to the example as its own users do.
 * Screenshots go to {@code target/screenshots}.
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class ExamplesIT {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final String PASSWORD = "a long enough password";
    static final String DEMO_PASSWORD = "demo";
    static final String COMPLETION = "STEPUP_COMPLETION";
    static final Duration WAIT = Duration.ofSeconds(20);

    static Path workDir;
    static ServerProcess server;
    /** The database of this class's own server, so that the tests can set their users' rows. */
    static Database database;
    static WebDriver browser;
    /** A second browser of the same users: nothing the first one earned may count in it. */
    static WebDriver otherBrowser;

    Users users;

    @BeforeAll
    static void startServerAndBrowsers() throws Exception {
        workDir = Files.createTempDirectory("stepup-examples-");
        int port = Ports.free();
        database = Database.create();
        server = ServerProcess.startWithWars("examples", Map.of(
                        "STEPUP_DB_URL", database.url(),
                        "STEPUP_DB_USER", "postgres",
                        "STEPUP_DB_PASSWORD", "unused",
                        "STEPUP_SECRET_KEY", TestDatabase.SECRET_KEY,
                        "STEPUP_BOOTSTRAP_ADMIN_TOKEN", TestDatabase.ADMIN_TOKEN,
                        "STEPUP_BOOTSTRAP_VERIFIER_TOKEN", "it-verifier-" + UUID.randomUUID(),
                        // The guard's default is port 8080; this server has a port of its own.
                        "STEPUP_GUARD_URL", "http://127.0.0.1:" + port),
                workDir, port, List.of("example-jsf.war", "example-spa.war"));
        server.awaitReady(Duration.ofSeconds(240));
        awaitPage("example-jsf/");
        awaitPage("example-spa/");
        // Completion cookies live a minute instead of 5 s, so that the test of a used completion
        // finds it still in the browser however slow this machine is today.
        Api.Reply configured = server.api().token(TestDatabase.ADMIN_TOKEN).post("/api/step-up/configuration",
                "{\"validationWindow\":30,\"completedCookieMaxAge\":60,"
                        + "\"totpConfiguration\":{\"hashFunction\":\"SHA1\",\"digits\":6,\"timeStep\":30}}");
        assertThat(configured.status()).as(configured.toString()).isEqualTo(200);
        browser = chromium();
        otherBrowser = chromium();
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stopAll() {
        for (WebDriver driver : new WebDriver[] {browser, otherBrowser}) {
            if (driver != null) {
                driver.quit();
            }
        }
        if (server != null) {
            server.close();
        }
        ServerProcess.deleteTree(workDir);
    }

    @BeforeEach
    void setUp() {
        users = new Users(server.api(), database);
        for (WebDriver driver : new WebDriver[] {browser, otherBrowser}) {
            // Cookies are deleted for the page's path: StepUp's, and each example's session.
            for (String path : List.of("example-spa/", "example-jsf/")) {
                driver.get(server.base() + path);
                driver.manage().deleteAllCookies();
            }
        }
    }

    // ---------------------------------------------------------------- JSF: way 2, the guard's prompt

    @Test
    void jsfTransferAsksForACodeEachTimeAndRunsOnceWithWhatWasTyped() throws Exception {
        Enrolled user = enrolledUser();
        signInToJsf(browser, user);
        type(browser, By.id("transfer:amount"), "12.50");
        type(browser, By.id("transfer:iban"), "DE89370400440532013000");
        click(browser, By.id("transfer:send"));

        // Refused without a step-up: the prompt opens in the same view, nothing is transferred.
        awaitPrompt(browser, "transfer");
        assertThat(transfers(browser)).isEmpty();
        assertThat(browser.findElement(By.id("transfer:prompt-code")).getAttribute("autocomplete")).isEqualTo("one-time-code");
        screenshot(browser, "example-jsf-prompt");

        type(browser, By.id("transfer:prompt-code"), user.totp().wrongCode());
        click(browser, By.id("transfer:prompt:verify"));
        waitForText(browser, By.id("transfer:prompt-message"), "Wrong code");
        awaitPrompt(browser, "transfer");
        assertThat(transfers(browser)).isEmpty();
        assertThat(value(browser, By.id("transfer:amount"))).isEqualTo("12.50");
        assertThat(value(browser, By.id("transfer:iban"))).isEqualTo("DE89370400440532013000");
        screenshot(browser, "example-jsf-wrong-code");

        // The right code: the form is posted again by itself, with what the user typed, once.
        type(browser, By.id("transfer:prompt-code"), user.nextCode());
        click(browser, By.id("transfer:prompt:verify"));
        waitForText(browser, By.id("messages"), "Transferred 12.50 EUR to DE89370400440532013000");
        assertThat(transfers(browser)).containsExactly("12.50 EUR to DE89370400440532013000");
        screenshot(browser, "example-jsf-transferred");

        // The pass was for that one run: the next transfer asks again, at once.
        type(browser, By.id("transfer:amount"), "99");
        type(browser, By.id("transfer:iban"), "DE89370400440532013000");
        click(browser, By.id("transfer:send"));
        awaitPrompt(browser, "transfer");
        assertThat(transfers(browser)).hasSize(1);
        click(browser, By.cssSelector("[id='transfer:prompt'] .stepup-cancel"));

        // An always-prompt step-up opens no window: the settings ask too.
        type(browser, By.id("settings:address"), "first@example.com");
        click(browser, By.id("settings:save"));
        awaitPrompt(browser, "settings");
        assertThat(text(browser, By.id("statement-address"))).isEmpty();
    }

    @Test
    void jsfSettingsWindowPassesWindowActionsOnlyAndOnlyInTheBrowserThatSteppedUp() throws Exception {
        Enrolled user = enrolledUser();
        signInToJsf(browser, user);
        type(browser, By.id("settings:address"), "first@example.com");
        click(browser, By.id("settings:save"));
        awaitPrompt(browser, "settings");
        assertThat(text(browser, By.id("statement-address"))).isEmpty();

        type(browser, By.id("settings:prompt-code"), user.nextCode());
        click(browser, By.id("settings:prompt:verify"));
        waitForText(browser, By.id("statement-address"), "first@example.com");

        // Within the window the next change needs no code ...
        type(browser, By.id("settings:address"), "second@example.com");
        click(browser, By.id("settings:save"));
        waitForText(browser, By.id("statement-address"), "second@example.com");
        assertThat(promptOpen(browser, "settings")).isFalse();
        screenshot(browser, "example-jsf-settings-window");

        // ... but an always-prompt action still does.
        type(browser, By.id("transfer:amount"), "5");
        type(browser, By.id("transfer:iban"), "DE89370400440532013000");
        click(browser, By.id("transfer:send"));
        awaitPrompt(browser, "transfer");
        assertThat(transfers(browser)).isEmpty();

        // The same user in another browser: the window is the first browser's.
        signInToJsf(otherBrowser, user);
        type(otherBrowser, By.id("settings:address"), "third@example.com");
        click(otherBrowser, By.id("settings:save"));
        awaitPrompt(otherBrowser, "settings");
        assertThat(text(otherBrowser, By.id("statement-address"))).isEqualTo("second@example.com");
    }

    // ---------------------------------------------------------------- SPA: way 1, the completion cookie

    @Test
    void spaPayoutStepsUpAtStepUpAndItsCompletionCountsOnceAndOnlyInThatBrowser() throws Exception {
        Enrolled user = enrolledUser();
        signInToSpa(browser, user);
        type(browser, By.id("amount"), "7.25");
        type(browser, By.id("iban"), "NL91ABNA0417164300");
        click(browser, By.id("pay"));

        // Refused without a step-up (403 PE-0028): the page asks for the StepUp password and a code.
        awaitStepUpDialog(browser);
        assertThat(payouts(browser)).isEmpty();
        assertThat(browser.findElement(By.id("step-up-password")).isDisplayed()).isTrue();
        type(browser, By.id("step-up-password"), PASSWORD);
        type(browser, By.id("step-up-code"), user.totp().wrongCode());
        screenshot(browser, "example-spa-prompt");
        click(browser, By.id("step-up-submit"));
        waitForText(browser, By.id("step-up-message"), "Wrong code");
        assertThat(payouts(browser)).isEmpty();

        type(browser, By.id("step-up-code"), user.nextCode());
        click(browser, By.id("step-up-submit"));
        waitForText(browser, By.id("payout-message"), "Paid out 7.25 EUR to NL91ABNA0417164300");
        assertThat(payouts(browser)).containsExactly("7.25 EUR to NL91ABNA0417164300");
        screenshot(browser, "example-spa-paid");

        // The completion the browser carried is used up: sent again, it is refused.
        Cookie completion = browser.manage().getCookieNamed(COMPLETION);
        assertThat(completion).as("the completion cookie, still in the browser").isNotNull();
        String appSession = browser.manage().getCookieNamed("JSESSIONID").getValue();
        HttpResponse<String> replayed = payout(appSession, completion.getValue(), null);
        assertThat(replayed.statusCode()).isEqualTo(403);
        assertThat(replayed.body()).isEqualTo("{\"message\":\"Step up authentication required\",\"errorCode\":\"PE-0028\",\"details\":null}");
        HttpResponse<String> bearer = payout(appSession, completion.getValue(), "Bearer any.token.here");
        assertThat(bearer.statusCode()).isEqualTo(403);
        assertThat(bearer.headers().firstValue("WWW-Authenticate")).contains(
                "Bearer error=\"insufficient_user_authentication\", error_description=\"Step up authentication required\", max_age=0");

        // ... and so is the page's next payout, though the browser sends that cookie along and
        // StepUp's own window for this browser is open: a payout is always-prompt.
        type(browser, By.id("amount"), "1");
        type(browser, By.id("iban"), "NL91ABNA0417164300");
        click(browser, By.id("pay"));
        awaitStepUpDialog(browser);
        assertThat(browser.manage().getCookieNamed(COMPLETION).getValue()).isEqualTo(completion.getValue());
        assertThat(browser.findElement(By.id("step-up-password")).isDisplayed()).isFalse();
        click(browser, By.id("step-up-cancel"));
        waitForText(browser, By.id("payout-message"), "the step-up was cancelled");
        assertThat(payouts(browser)).hasSize(1);

        // The same user in another browser: nothing of the first one's step-up counts.
        signInToSpa(otherBrowser, user);
        type(otherBrowser, By.id("amount"), "3");
        type(otherBrowser, By.id("iban"), "NL91ABNA0417164300");
        click(otherBrowser, By.id("pay"));
        awaitStepUpDialog(otherBrowser);
        assertThat(otherBrowser.findElement(By.id("step-up-password")).isDisplayed()).isTrue();
        assertThat(payouts(otherBrowser)).containsExactly("7.25 EUR to NL91ABNA0417164300");
    }

    @Test
    void spaBackEndRefusesWithoutAStepUpInStepUpsErrorFormat() {
        Enrolled user = enrolledUser();
        HttpResponse<String> signedIn = send(HttpRequest.newBuilder(server.base().resolve("example-spa/api/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user.identity().username() + "\",\"password\":\"" + DEMO_PASSWORD + "\"}")));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        String appSession = signedIn.headers().firstValue("Set-Cookie").orElseThrow().replaceFirst("^JSESSIONID=([^;]+).*$", "$1");

        HttpResponse<String> refused = payout(appSession, null, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(refused.body()).isEqualTo("{\"message\":\"Step up authentication required\",\"errorCode\":\"PE-0028\",\"details\":null}");
        HttpResponse<String> madeUp = payout(appSession, "made-up-completion", null);
        assertThat(madeUp.statusCode()).isEqualTo(403);
        assertThat(madeUp.body()).contains("\"errorCode\":\"PE-0028\"");

        HttpResponse<String> anonymous = payout(null, null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("\"errorCode\":\"AU-0000\"");
    }

    // ---------------------------------------------------------------- helpers

    private Enrolled enrolledUser() {
        return Enrolled.of(users, users.createWithPassword(PASSWORD));
    }

    private void signInToJsf(WebDriver driver, Enrolled user) {
        driver.get(server.base() + "example-jsf/");
        type(driver, By.id("sign-in:username"), user.identity().username());
        type(driver, By.id("sign-in:password"), DEMO_PASSWORD);
        click(driver, By.id("sign-in:submit"));
        waitForText(driver, By.id("who-name"), user.identity().username());
    }

    private void signInToSpa(WebDriver driver, Enrolled user) {
        driver.get(server.base() + "example-spa/");
        type(driver, By.id("sign-in-username"), user.identity().username());
        type(driver, By.id("sign-in-password"), DEMO_PASSWORD);
        click(driver, By.cssSelector("#sign-in button[type=submit]"));
        waitForText(driver, By.id("who-name"), user.identity().username());
        waitFor(driver, By.id("pay"));
    }

    /** {@code POST /example-spa/api/payout} as the browser would send it, with the cookies given. */
    private HttpResponse<String> payout(String appSession, String completion, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.base().resolve("example-spa/api/payout"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"1\",\"iban\":\"NL91ABNA0417164300\"}"));
        StringBuilder cookies = new StringBuilder();
        if (appSession != null) {
            cookies.append("JSESSIONID=").append(appSession);
        }
        if (completion != null) {
            cookies.append(cookies.length() == 0 ? "" : "; ").append(COMPLETION).append('=').append(completion);
        }
        if (cookies.length() > 0) {
            request.header("Cookie", cookies.toString());
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the prompt of the form {@code form} is open (its dialog shown). */
    private static void awaitPrompt(WebDriver driver, String form) {
        waiting(driver)
                .withMessage(() -> "waiting for the prompt of " + form + "; page says: " + bodyText(driver))
                .until(d -> promptOpen(d, form));
    }

    private static boolean promptOpen(WebDriver driver, String form) {
        List<WebElement> code = driver.findElements(By.id(form + ":prompt-code"));
        return !code.isEmpty() && code.get(0).isDisplayed();
    }

    private static void awaitStepUpDialog(WebDriver driver) {
        waiting(driver)
                .withMessage(() -> "waiting for the step-up dialog; page says: " + bodyText(driver))
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("step-up-code")));
    }

    private static List<String> transfers(WebDriver driver) {
        return driver.findElements(By.cssSelector("#transfers li")).stream().map(WebElement::getText).toList();
    }

    private static List<String> payouts(WebDriver driver) {
        return driver.findElements(By.cssSelector("#payouts li")).stream().map(WebElement::getText).toList();
    }

    private static void awaitPage(String path) {
        Waits.until(Duration.ofSeconds(120), path + " answering 200", () -> server.api().get("/" + path).status(),
                status -> status == 200);
    }

    private static WebDriver chromium() throws IOException {
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
        return new ChromeDriver(service, options);
    }

    /** A wait that looks again when the page was replaced under it (a form post or re-submission landing). */
    private static FluentWait<WebDriver> waiting(WebDriver driver) {
        return new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class);
    }

    private static WebElement waitFor(WebDriver driver, By locator) {
        return waiting(driver)
                .withMessage(() -> "waiting for " + locator + "; page says: " + bodyText(driver))
                .until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    private static void waitForText(WebDriver driver, By locator, String expected) {
        waiting(driver)
                .withMessage(() -> "waiting for \"" + expected + "\" in " + locator + "; page says: " + bodyText(driver))
                .until(ExpectedConditions.textToBePresentInElementLocated(locator, expected));
    }

    private static String text(WebDriver driver, By locator) {
        return driver.findElement(locator).getText();
    }

    private static String value(WebDriver driver, By locator) {
        return driver.findElement(locator).getAttribute("value");
    }

    private static void type(WebDriver driver, By locator, String value) {
        WebElement field = waitFor(driver, locator);
        field.clear();
        field.sendKeys(value);
    }

    private static void click(WebDriver driver, By locator) {
        waitFor(driver, locator).click();
    }

    private static String bodyText(WebDriver driver) {
        try {
            return driver.findElement(By.tagName("body")).getText();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void screenshot(WebDriver driver, String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
