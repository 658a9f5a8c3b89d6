package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * A real browser (Debian's chromium, driven by Playwright) uses a box through the whole chain, as
 * the SPA will: a page of the api-server's origin holding the person's session cookie shows the
 * box's camera stream in an {@code <img>} and talks to the box's WebSocket console. Then the
 * browser opens a page the box serves, whose script tries to use the person's session: under the
 * default policy ({@code sandbox}) it does not run at all; allowed to run ({@code sandbox
 * allow-scripts}) it is in an opaque origin, and its request for the person's device list fails.
 *
 * <p>Screenshots of each step land in {@code target/screenshots/}. Any console error the step does
 * not expect fails the test.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserDeviceAccessTest {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final int FRAMES = 20;

  @TempDir Path dir;
  private Playwright playwright;
  private Browser browser;
  private PairedBox world;
  private BrowserContext context;
  private Page page;
  private String test;

  /** Console errors and page errors, checked against what each step expects. */
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
  void theSignedInPageShowsTheCameraAndTalksToTheConsoleAndTheBoxPageCannotRunScripts(TestInfo info)
      throws Exception {
    start(info, Map.of());

    openConsole();
    page.evaluate(
        "src => document.getElementById('camera').src = src",
        agentPath("/camera.mjpeg?pictures=true&frames=" + FRAMES));
    page.waitForFunction("() => document.getElementById('camera').naturalWidth > 0");
    screenshot("camera-first-frame");
    // Frame i is pictureWidth(i) wide: the last width means every frame came through.
    page.waitForFunction(
        "w => document.getElementById('camera').naturalWidth === w",
        TestBox.pictureWidth(FRAMES - 1));
    screenshot("camera-last-frame");
    assertThat(page.evaluate("document.getElementById('camera').naturalHeight")).isEqualTo(12);

    Object echoed =
        page.evaluate(
            """
            url => new Promise((resolve, reject) => {
              const ws = new WebSocket(url);
              ws.onopen = () => ws.send('hello box');
              ws.onmessage = (m) => { document.getElementById('console').textContent = m.data;
                                      ws.close(); resolve(m.data); };
              ws.onerror = () => reject(new Error('websocket error'));
            })
            """,
            "ws://127.0.0.1:" + world.servers.api.port() + agentPath("/ws"));
    assertThat(echoed).isEqualTo("hello box");
    screenshot("console-echo");

    // The box's page: sandboxed without allow-scripts, so its script never runs.
    Response box = page.navigate(world.apiOrigin() + agentPath("/page"));
    assertThat(box.status()).isEqualTo(200);
    assertThat(box.headerValue("content-security-policy")).isEqualTo("sandbox");
    assertThat(page.title()).isEqualTo("box");
    assertThat(page.textContent("#result")).isEqualTo("script did not run");
    assertThat(page.evaluate("self.origin")).isEqualTo("null");
    screenshot("box-page-sandboxed");
    assertConsoleErrors(
        List.of(e -> e.contains("Blocked script execution") && e.contains("sandboxed")));
  }

  @Test
  void aBoxPageAllowedToRunScriptsCannotReadThePersonsDevices(TestInfo info) throws Exception {
    start(info, Map.of("devices.access.content-security-policy.default", "sandbox allow-scripts"));

    // The person's own page reads the device list: the session works in this browser.
    openConsole();
    String devices = world.apiOrigin() + "/api/devices";
    Object[] own = new Object[1];
    Response ownResponse =
        page.waitForResponse(
            devices,
            () ->
                own[0] =
                    page.evaluate(
                        "() => fetch('/api/devices', {credentials: 'include'}).then(r => r.json())"
                            + ".then(j => j.devices.map(d => d.id))"
                            + ".then(ids => { document.getElementById('console').textContent ="
                            + " 'devices ' + ids; return ids; })"));
    assertThat(own[0]).isEqualTo(List.of(world.deviceId));
    assertThat(ownResponse.request().allHeaders()).containsKey("cookie");
    screenshot("console-own-devices");

    // The box's page runs its script, in an opaque origin: no session, nothing readable.
    Response[] box = new Response[1];
    Request stolen =
        page.waitForRequest(
            devices, () -> box[0] = page.navigate(world.apiOrigin() + agentPath("/page")));
    page.waitForSelector("#result[data-done]");
    assertThat(box[0].headerValue("content-security-policy")).isEqualTo("sandbox allow-scripts");
    assertThat(page.title()).isEqualTo("box script ran");
    assertThat(page.textContent("#result"))
        .isEqualTo("origin null\ncookie refused: SecurityError\nfetch failed: TypeError");
    screenshot("box-page-scripts-allowed");
    // Sent from the opaque origin without the session cookie (SameSite=Strict), and unreadable.
    assertThat(stolen.headerValue("origin")).isEqualTo("null");
    assertThat(stolen.allHeaders()).doesNotContainKey("cookie");
    assertThat(stolen.failure()).isEqualTo("net::ERR_FAILED");
    assertConsoleErrors(
        List.of(
            e -> e.contains("from origin 'null' has been blocked by CORS policy"),
            e -> e.contains("Failed to load resource: net::ERR_FAILED")));
  }

  /** Servers, a box with its Java agent, a person, and a browser context holding their cookie. */
  private void start(TestInfo info, Map<String, String> apiOverrides) throws Exception {
    test = info.getTestMethod().orElseThrow().getName();
    consoleErrors.clear();
    world = new PairedBox(dir.resolve(test), apiOverrides);
    context = browser.newContext();
    String[] cookie = world.person.cookie().split("=", 2);
    // As the api-server's login sets it on plain http (no Secure, no __Host- prefix: a browser
    // refuses those without TLS): HttpOnly, SameSite=Strict, host-only, Path=/.
    context.addCookies(
        List.of(
            new Cookie(cookie[0], cookie[1])
                .setUrl(world.apiOrigin())
                .setHttpOnly(true)
                .setSameSite(SameSiteAttribute.STRICT)));
    page = context.newPage();
    // Pages ask for a favicon, which neither server has: answered here, not a 404 in the console.
    page.route("**/favicon.ico", route -> route.fulfill(new Route.FulfillOptions().setStatus(204)));
    page.onConsoleMessage(this::recordConsole);
    page.onPageError(e -> consoleErrors.add("page error: " + e));
  }

  /**
   * Opens a bare page of the api-server's own origin, so that its requests carry the cookie and
   * count as same-origin, without the console's policy (which refuses this test's inline markup):
   * the browser loads the person's {@code /api/auth/me} and this markup replaces that document's
   * content. The document stays the one loaded from the api-server's address: a response made up by
   * the browser itself (Playwright's {@code route.fulfill}) has no address, and chromium's local
   * network access checks then refuse its WebSocket to a loopback server.
   */
  private void openConsole() {
    Response me = page.navigate(world.apiOrigin() + "/api/auth/me");
    assertThat(me.status()).isEqualTo(200);
    page.setContent(
        """
        <!doctype html><title>console</title>
        <h1>device %s</h1>
        <img id="camera" alt="camera" style="height: 96px; image-rendering: pixelated">
        <pre id="console"></pre>
        """
            .formatted(world.deviceId));
    assertThat(page.evaluate("self.origin")).isEqualTo(world.apiOrigin());
  }

  private String agentPath(String boxPath) {
    return "/api/devices/" + world.deviceId + "/agent" + boxPath;
  }

  private void recordConsole(ConsoleMessage m) {
    if (m.type().equals("error")) {
      consoleErrors.add(m.text());
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
