package io.visiona.demobox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code GET /}: what the box offers. Links are relative, so the page works both here and under the
 * api-server's {@code /api/devices/{id}/agent/} prefix; no script (shown sandboxed there).
 */
final class HomePage implements Handler {

  private final byte[] page;

  HomePage(String name) {
    String title = html(name);
    page =
        ("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>%s</title>
            <style>body{font-family:sans-serif;margin:2em;max-width:44em}code{background:#eee}</style>
            </head><body>
            <h1>%s</h1>
            <p>A Visiona demo box: a pretend edge box with a camera and a few endpoints.</p>
            <p><img src="camera.mjpeg" width="320" height="240" alt="camera"></p>
            <ul>
            <li><a href="api/status"><code>GET api/status</code></a>: status as JSON</li>
            <li><a href="camera.mjpeg"><code>GET camera.mjpeg</code></a>: the camera, MJPEG</li>
            <li><a href="events"><code>GET events</code></a>: server-sent events, one a second</li>
            <li><code>GET ws</code>: WebSocket echo console (text and binary)</li>
            </ul>
            </body></html>
            """)
            .formatted(title, title)
            .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean serve(Exchange ex) throws IOException {
    boolean keepAlive = ex.head().keepAlive();
    Responses.send(ex.out(), 200, "text/html; charset=utf-8", page, !keepAlive, List.of());
    return keepAlive;
  }

  private static String html(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
