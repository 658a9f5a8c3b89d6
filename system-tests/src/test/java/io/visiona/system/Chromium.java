package io.visiona.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Path;
import java.util.Map;

/** Debian's chromium (installed by bin/install-test-deps), driven by Playwright, headless. */
final class Chromium {

  private Chromium() {}

  static Playwright playwright() {
    // Never download a browser: none can be downloaded here (set in surefire's environment too).
    return Playwright.create(
        new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
  }

  static Browser launch(Playwright playwright) {
    Path chromium = Path.of(System.getProperty("browser.executable", "/usr/bin/chromium"));
    assertThat(chromium)
        .as("chromium, installed by bin/install-test-deps (Debian package chromium)")
        .isExecutable();
    return playwright
        .chromium()
        .launch(
            new BrowserType.LaunchOptions()
                .setExecutablePath(chromium)
                .setHeadless(true)
                // Tests run as root, where chromium refuses its own sandbox.
                .setChromiumSandbox(false));
  }
}
