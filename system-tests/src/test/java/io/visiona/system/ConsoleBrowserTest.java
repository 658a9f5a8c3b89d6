package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import io.visiona.api.console.ConsoleRoutes;
import io.visiona.tunnel.pairing.DeviceIdentity;
import io.visiona.tunnel.pairing.PairingClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person uses the reference console the api-server serves, in a real browser (Debian's chromium
 * through Playwright), against a paired box behind the whole chain: who is signed in, the device
 * online, its status, camera, events and WebSocket console, pairing two more boxes by code (approve
 * one, deny one), rename, revoke, delete, the audit log and sessions, sign out. No JavaScript
 * console error is allowed unless a step expects it. Screenshots land in {@code
 * target/screenshots/}.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final int FRAMES = 20;

  @TempDir Path dir;
  private Playwright playwright;
  private Browser browser;
  private PairedBox world;
  private BrowserContext context;
  private Page page;
  private String test;
  private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  void launchBrowser() {
    playwright = Chromium.playwright();
    browser = Chromium.launch(playwright);
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @AfterEach
  void closeWorld() {
    if (context != null) {
      context.close();
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aPersonManagesAndUsesTheirBoxesThroughTheConsole(TestInfo info) throws Exception {
    start(info);
    TwoServers.Person elsewhere = world.servers.person("bea"); // a second browser of hers
    String id = world.deviceId;

    Response index = page.navigate(world.apiOrigin() + "/");
    assertThat(index.headerValue("content-security-policy"))
        .isEqualTo(ConsoleRoutes.CONTENT_SECURITY_POLICY);
    assertThat(page.textContent("#person")).isEqualTo("bea");
    page.waitForSelector(device(id) + " [data-presence='online']");
    assertThat(page.textContent(device(id) + " a")).isEqualTo("camera-box");
    screenshot("devices");

    // The device: status JSON, camera frames, server-sent events, WebSocket echo.
    page.click(device(id) + " a");
    page.waitForFunction(
        "() => document.getElementById('status')?.textContent.includes('\"status\": \"ok\"')");
    assertThat(page.textContent("#status")).contains("\"path\": \"/api/status\"");
    assertThat(page.url()).isEqualTo(world.apiOrigin() + "/#/devices/" + id);

    page.fill("#camera-path", "/camera.mjpeg?pictures=true&frames=" + FRAMES);
    page.click("#camera-form button[type=submit]");
    page.waitForFunction("() => document.getElementById('camera').naturalWidth > 0");
    page.waitForFunction(
        "w => document.getElementById('camera').naturalWidth === w",
        TestBox.pictureWidth(FRAMES - 1));

    page.click("#events-form button[type=submit]");
    page.waitForFunction(
        "n => document.querySelectorAll('#events li').length === n", TestBox.UNPACED_EVENTS);
    assertThat(page.locator("#events li").allTextContents())
        .containsExactly("event 0", "event 1", "event 2");
    assertThat(page.textContent("#events-state")).isEqualTo("open");

    page.click("#ws-form button[type=submit]");
    page.waitForSelector("#ws-text:enabled");
    page.fill("#ws-text", "hello box");
    page.click("#ws-send");
    page.waitForSelector("#ws-log li.received");
    assertThat(page.locator("#ws-log li").allTextContents())
        .containsExactly("→ hello box", "← hello box");
    screenshot("device-open");

    page.fill("#rename-input", "front door");
    page.click("#rename button[type=submit]");
    page.waitForFunction(
        "() => document.getElementById('device-name').textContent === 'front door'");

    // A second box asks to be paired: the person types its code and approves.
    BlockingQueue<String> codes = new ArrayBlockingQueue<>(2);
    CompletableFuture<DeviceIdentity> garage =
        pairInBackground(
            new PairingClient.BoxDescription("garage-box", "VX-2", "SN-42", "2.1.0"), codes);
    String code = codes.poll(20, TimeUnit.SECONDS);
    assertThat(code).as("the second box's user code").isNotNull();
    page.click("nav a[href='/#/pair']");
    page.fill("#pair-code", code);
    page.click("#pair-form button[type=submit]");
    page.waitForSelector("#pair-details");
    assertThat(page.textContent("#pair-box-name")).isEqualTo("garage-box");
    assertThat(page.textContent("#pair-box-model")).isEqualTo("VX-2");
    assertThat(page.textContent("#pair-box-serial")).isEqualTo("SN-42");
    screenshot("pair-asks");
    page.fill("#pair-name", "garage");
    page.click("#pair-approve");
    page.waitForSelector("#pair-outcome .notice");
    String garageId = garage.get(20, TimeUnit.SECONDS).deviceId();
    screenshot("pair-approved");

    // A third one, opened from the box's verification_uri_complete, is denied.
    CompletableFuture<DeviceIdentity> intruder =
        pairInBackground(new PairingClient.BoxDescription("unknown-box", null, null, null), codes);
    String code3 = codes.poll(20, TimeUnit.SECONDS);
    assertThat(code3).isNotNull();
    page.navigate(world.apiOrigin() + "/pair?code=" + code3);
    page.click("#pair-deny");
    page.waitForSelector("#pair-outcome .notice");
    assertThat(page.textContent("#pair-outcome")).contains("Denied");
    assertThatThrownBy(() -> intruder.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);

    page.click("nav a[href='/#/']");
    page.waitForSelector(device(garageId));
    assertThat(page.textContent(device(garageId) + " a")).isEqualTo("garage");
    assertThat(page.getAttribute(device(garageId) + " .presence", "data-presence"))
        .isEqualTo("offline");
    assertThat(page.textContent(device(id) + " a")).isEqualTo("front door");
    screenshot("devices-two");

    // Revoking the first box's credential disconnects it.
    page.click(device(id) + " a");
    page.waitForSelector("#credentials button.revoke");
    page.click("#credentials button.revoke");
    page.waitForFunction(
        "() => document.querySelector('#credentials .credential-state').textContent"
            + ".startsWith('revoked')");
    page.waitForSelector("#device-presence [data-presence='offline']");
    screenshot("credential-revoked");

    // Deleting the garage box (offline: the console does not ask it for its status).
    page.navigate(world.apiOrigin() + "/#/devices/" + garageId);
    page.waitForFunction(
        "() => document.getElementById('status').textContent === 'The box is not connected.'");
    page.click("#delete");
    page.click("#delete-confirm");
    page.waitForURL(world.apiOrigin() + "/#/");
    page.waitForSelector(device(id));
    assertThat(page.locator("tr.device").count()).isEqualTo(1);

    // Account: what happened, and the other browser's session revoked.
    page.click("nav a[href='/#/account']");
    for (String action :
        List.of(
            "device.renamed",
            "pairing.approved",
            "pairing.denied",
            "credential.revoked",
            "device.deleted")) {
      page.waitForSelector("#audit tr[data-action='" + action + "']");
    }
    page.waitForSelector("tr.session.current");
    assertThat(page.locator("tr.session").count()).isEqualTo(2);
    screenshot("account");
    page.click("tr.session:not(.current) button.revoke-session");
    page.waitForFunction("() => document.querySelectorAll('tr.session').length === 1");
    assertThat(elsewhere.get("/api/auth/me").statusCode()).isEqualTo(401);

    // Sign out: the session ends, the sign-in button comes back here.
    page.click("#logout");
    page.waitForSelector("#signed-out");
    assertThat(page.getAttribute("#login", "href"))
        .isEqualTo("/api/auth/login?returnTo=" + encode("/#/account"));
    assertThat(world.person.get("/api/auth/me").statusCode()).isEqualTo(401);
    screenshot("signed-out");
    assertConsoleErrors(List.of());
  }

  @Test
  void signedOutPeopleAreSentToLoginAndBackToWhereTheyWere(TestInfo info) throws Exception {
    start(info);
    String devicePage = "/#/devices/" + world.deviceId;

    // Signed in, on a device's page; then the session ends elsewhere.
    page.navigate(world.apiOrigin() + devicePage);
    page.waitForFunction(
        "() => document.getElementById('status')?.textContent.includes('\"status\": \"ok\"')");
    assertThat(world.person.call("POST", "/api/auth/logout", null).statusCode()).isEqualTo(200);
    // The login's JSON answer has no icon link: the browser would ask for /favicon.ico.
    page.route("**/favicon.ico", route -> route.fulfill(new Route.FulfillOptions().setStatus(204)));
    Request login =
        page.waitForRequest(
            r -> r.url().contains("/api/auth/login"), () -> page.click("#status-reload"));
    assertThat(login.url())
        .isEqualTo(world.apiOrigin() + "/api/auth/login?returnTo=" + encode(devicePage));
    assertThat(login.isNavigationRequest()).isTrue();

    // A first visit without a session: a sign-in button that comes back to the page asked for.
    BrowserContext fresh = browser.newContext();
    try {
      Page p = fresh.newPage();
      p.onConsoleMessage(this::recordConsole);
      p.navigate(world.apiOrigin() + "/#/account");
      p.waitForSelector("#signed-out");
      assertThat(p.getAttribute("#login", "href"))
          .isEqualTo("/api/auth/login?returnTo=" + encode("/#/account"));
      assertThat(p.isHidden("#nav")).isTrue();
      p.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(test + "-sign-in.png")));
    } finally {
      fresh.close();
    }
    // Chromium reports the two 401 answers (the status reload and the first /api/auth/me), and
    // the login page's own answer (the test's provider is unreachable).
    assertConsoleErrors(
        List.of(e -> e.contains("status of 401"), e -> e.contains("status of 503")));
  }

  private void start(TestInfo info) throws Exception {
    test = info.getTestMethod().orElseThrow().getName();
    consoleErrors.clear();
    world = new PairedBox(dir.resolve(test), Map.of());
    context = browser.newContext();
    String[] cookie = world.person.cookie().split("=", 2);
    // As the api-server's login sets it on plain http: HttpOnly, SameSite=Strict, host-only.
    context.addCookies(
        List.of(
            new Cookie(cookie[0], cookie[1])
                .setUrl(world.apiOrigin())
                .setHttpOnly(true)
                .setSameSite(SameSiteAttribute.STRICT)));
    page = context.newPage();
    page.onConsoleMessage(this::recordConsole);
    page.onPageError(e -> consoleErrors.add("page error: " + e));
  }

  /** A box pairing on its own thread, publishing its user code the way a box shows it. */
  private CompletableFuture<DeviceIdentity> pairInBackground(
      PairingClient.BoxDescription box, BlockingQueue<String> codes) {
    PairingClient client = new PairingClient(world.servers.apiBase());
    CompletableFuture<DeviceIdentity> result = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                result.complete(client.pair(box, prompt -> codes.add(prompt.userCode())));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            });
    return result;
  }

  private static String device(String id) {
    return "tr.device[data-device='" + id + "']";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private void recordConsole(ConsoleMessage m) {
    if (m.type().equals("error")) {
      consoleErrors.add(m.text() + " (" + m.location() + ")");
    }
  }

  /** Every console error so far matches one of {@code expected}, and each expected one was seen. */
  private void assertConsoleErrors(List<Predicate<String>> expected) {
    List<String> errors = List.copyOf(consoleErrors);
    assertThat(errors)
        .as("unexpected console errors")
        .allMatch(e -> expected.stream().anyMatch(p -> p.test(e)));
    for (Predicate<String> p : expected) {
      assertThat(errors).as("an expected console error").anyMatch(p);
    }
  }

  private void screenshot(String step) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SCREENSHOTS.resolve(test + "-" + step + ".png"))
            .setFullPage(true));
  }
}
