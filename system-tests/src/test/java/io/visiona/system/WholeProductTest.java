package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.ConsoleMessage;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.Cookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product as a person meets it after {@code bin/run}, in a real browser (Debian's
 * chromium through Playwright) against real processes: the development OpenID provider,
 * remote-proxy, the api-server and the demo box, each started from its built jar with the {@code
 * etc/} configuration ({@link WholeProduct}). The person signs in on the provider's form (the OIDC
 * code flow with PKCE, nothing injected), has no device, pairs the demo box by the code it prints,
 * uses it (status, camera, events, WebSocket echo), revokes its credential, and signs out. No
 * JavaScript console error is allowed. Screenshots of each step land in {@code
 * target/screenshots/}, each process's output in {@code target/whole-product/}.
 */
@Timeout(120)
class WholeProductTest {

  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Path LOGS = Path.of("target", "whole-product");
  private static final Duration UI_WAIT = Duration.ofSeconds(20);
  private static final int FRAMES = 10;
  private static final int EVENTS = 3;

  /**
   * Counts the camera frames the console's {@code <img>} shows: each animation frame the picture is
   * drawn into a canvas, and a picture unlike the previous one is a new frame (every frame of the
   * box's test pattern differs: a moving bar, the frame number).
   */
  private static final String COUNT_SHOWN_FRAMES =
      """
      () => {
        const img = document.getElementById('camera');
        const canvas = document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 48;
        const g = canvas.getContext('2d', { willReadFrequently: true });
        window.shownFrames = 0;
        let last = null;
        const look = () => {
          if (!img.isConnected) {
            return;
          }
          if (img.complete && img.naturalWidth > 0) {
            g.drawImage(img, 0, 0, canvas.width, canvas.height);
            const pixels = g.getImageData(0, 0, canvas.width, canvas.height).data;
            let hash = 0;
            for (let i = 0; i < pixels.length; i++) {
              hash = (hash * 31 + pixels[i]) | 0;
            }
            if (hash !== last) {
              last = hash;
              window.shownFrames++;
            }
          }
          requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }
      """;

  @TempDir Path dir;
  private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

  @Test
  void aPersonSignsInPairsTheDemoBoxUsesItRevokesItAndSignsOut() throws Exception {
    try (WholeProduct product = WholeProduct.start(dir, LOGS);
        Playwright playwright = Chromium.playwright();
        Browser browser = Chromium.launch(playwright);
        BrowserContext context = browser.newContext()) {
      String console = product.consoleOrigin();
      context.setDefaultTimeout(UI_WAIT.toMillis());
      // The provider's login page links a web font, which cannot be fetched here.
      context.route(
          "**://fonts.googleapis.com/**",
          route ->
              route.fulfill(
                  new Route.FulfillOptions()
                      .setStatus(200)
                      .setContentType("text/css")
                      .setBody("")));
      Page page = context.newPage();
      page.onConsoleMessage(this::recordConsole);
      page.onPageError(e -> consoleErrors.add("page error: " + e));

      // 1. Sign in on the development provider's form: the authorization code flow with PKCE.
      page.navigate(console + "/");
      page.waitForSelector("#login");
      screenshot(page, "1-signed-out");
      page.click("#login");
      page.waitForURL(product.issuer() + "/authorize?**");
      assertThat(page.url())
          .contains("client_id=visiona-console")
          .contains("code_challenge_method=S256")
          .contains("code_challenge=");
      page.fill("input[name=username]", "erin");
      screenshot(page, "1-provider-login");
      page.click("input[type=submit]");
      page.waitForURL(console + "/**");
      page.waitForSelector("#person");
      assertThat(page.textContent("#person")).isEqualTo("erin");
      Cookie session = sessionCookie(context, console);
      assertThat(session.secure).as("the session cookie is Secure").isTrue();
      assertThat(session.httpOnly).isTrue();

      // 2. No device yet.
      page.waitForSelector("#no-devices");
      screenshot(page, "2-no-devices");

      // 3. The demo box starts, prints its code; the person looks it up and approves it.
      ProductProcess box = product.startDemoBox();
      String code = WholeProduct.pairingCode(box);
      page.click("nav a[href='/#/pair']");
      page.fill("#pair-code", code);
      page.click("#pair-form button[type=submit]");
      page.waitForSelector("#pair-details");
      assertThat(page.textContent("#pair-box-name")).isEqualTo("Demo box");
      assertThat(page.textContent("#pair-state")).isEqualTo("pending");
      screenshot(page, "3-pair-asks");
      page.click("#pair-approve");
      page.waitForSelector("#pair-outcome .notice");
      assertThat(page.textContent("#pair-outcome")).startsWith("Approved");
      screenshot(page, "3-pair-approved");
      String id = WholeProduct.deviceId(box);

      // 4. Online in the list (refreshed by the person until the box has connected).
      page.click("#pair-outcome a");
      page.waitForSelector(device(id));
      await("the demo box online in the console")
          .atMost(UI_WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                if (page.isVisible(device(id) + " [data-presence='online']")) {
                  return true;
                }
                page.click("#refresh");
                return false;
              });
      screenshot(page, "4-online");

      // Its page: status JSON, the camera, server-sent events, the WebSocket echo.
      page.click(device(id) + " a");
      page.waitForFunction(
          "() => document.getElementById('status')?.textContent.includes('\"name\": \"Demo box\"')");
      assertThat(page.textContent("#status")).contains("\"frames_sent\"");

      page.click("#camera-form button[type=submit]");
      page.waitForFunction("() => document.getElementById('camera').naturalWidth === 320");
      page.evaluate(COUNT_SHOWN_FRAMES);
      page.waitForFunction("n => window.shownFrames >= n", FRAMES);

      page.click("#events-form button[type=submit]");
      page.waitForFunction(
          "n => document.querySelectorAll('#events li').length >= n",
          EVENTS,
          new Page.WaitForFunctionOptions().setTimeout(UI_WAIT.toMillis()));
      assertThat(page.locator("#events li").allTextContents().subList(0, EVENTS))
          .allMatch(e -> e.matches("\\{\"seq\":\\d+,\"time\":\"[^\"]+\"}"));
      assertThat(page.textContent("#events-state")).isEqualTo("open");

      page.click("#ws-form button[type=submit]");
      page.waitForSelector("#ws-text:enabled");
      page.fill("#ws-text", "hello demo box");
      page.click("#ws-send");
      page.waitForSelector("#ws-log li.received");
      assertThat(page.locator("#ws-log li").allTextContents())
          .containsExactly("→ hello demo box", "← hello demo box");
      screenshot(page, "4-device-open");
      int shown = ((Number) page.evaluate("() => window.shownFrames")).intValue();
      assertThat(shown).as("camera frames shown").isGreaterThanOrEqualTo(FRAMES);

      // 5. Revoking its credential disconnects it (its streams stopped first, as a person would).
      page.click("#camera-stop");
      page.click("#events-stop");
      page.click("#ws-stop");
      page.click("#credentials button.revoke");
      page.waitForFunction(
          "() => document.querySelector('#credentials .credential-state').textContent"
              + ".startsWith('revoked')");
      page.waitForSelector("#device-presence [data-presence='offline']");
      screenshot(page, "5-revoked");
      page.click("nav a[href='/#/']");
      page.waitForSelector(device(id) + " [data-presence='offline']");
      screenshot(page, "5-offline");

      // 6. Sign out: through the provider's end-session endpoint, which sends the browser back to
      // the console; the session ends on the server, not only in this browser.
      page.click("#logout");
      page.waitForURL(console + "/?**");
      page.waitForSelector("#signed-out");
      assertThat(page.isHidden("#nav")).isTrue();
      screenshot(page, "6-signed-out");
      APIResponse me = context.request().get(console + "/api/auth/me");
      assertThat(me.status()).isEqualTo(401);
      assertThat(withCookie(console + "/api/auth/me", session).statusCode()).isEqualTo(401);

      // Chromium logs the 401 of the console's "who is signed in?" on the pages before sign-in
      // and after sign-out; nothing else.
      assertThat(consoleErrors)
          .as("JavaScript console errors")
          .allMatch(e -> e.contains("status of 401") && e.contains(console + "/api/auth/me"));
    }
  }

  private static Cookie sessionCookie(BrowserContext context, String origin) {
    List<Cookie> cookies =
        context.cookies(origin).stream().filter(c -> c.name.startsWith("__Host-")).toList();
    assertThat(cookies).as("the api-server's session cookie").hasSize(1);
    return cookies.get(0);
  }

  /** The request with the cookie the browser held before signing out. */
  private static HttpResponse<String> withCookie(String url, Cookie cookie) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(url))
              .header("Cookie", cookie.name + "=" + cookie.value)
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static String device(String id) {
    return "tr.device[data-device='" + id + "']";
  }

  private void recordConsole(ConsoleMessage m) {
    if (m.type().equals("error")) {
      consoleErrors.add(m.text() + " (" + m.location() + ")");
    }
  }

  private static void screenshot(Page page, String step) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    page.screenshot(
        new Page.ScreenshotOptions()
            .setPath(SCREENSHOTS.resolve("WholeProductTest-" + step + ".png"))
            .setFullPage(true));
  }
}
