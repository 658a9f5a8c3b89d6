package io.visiona.demobox;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * The camera's picture: colour bars, a bar sweeping across, a bouncing square and the frame number
 * in seven-segment digits. Drawn with rectangles only, so it needs no fonts (headless machines
 * often have none). One instance per stream: it reuses its image.
 */
final class TestPattern {

  static final int WIDTH = 320;
  static final int HEIGHT = 240;

  private static final Color[] BARS = {
    Color.WHITE, Color.YELLOW, Color.CYAN, Color.GREEN, Color.MAGENTA, Color.RED, Color.BLUE
  };

  /** Segments a..g lit for each digit (bit 0 = a). */
  private static final int[] DIGITS = {0x3f, 0x06, 0x5b, 0x4f, 0x66, 0x6d, 0x7d, 0x07, 0x7f, 0x6f};

  static {
    ImageIO.setUseCache(false); // encode in memory, never through temporary files
  }

  private final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);

  /** Frame {@code n} as a JPEG. */
  byte[] jpeg(long n) throws IOException {
    draw(n);
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    if (!ImageIO.write(image, "jpeg", out)) {
      throw new IOException("no JPEG writer in this JDK");
    }
    return out.toByteArray();
  }

  private void draw(long n) {
    Graphics2D g = image.createGraphics();
    try {
      int barWidth = (WIDTH + BARS.length - 1) / BARS.length;
      for (int i = 0; i < BARS.length; i++) {
        g.setColor(BARS[i]);
        g.fillRect(i * barWidth, 0, barWidth, 160);
      }
      g.setColor(Color.DARK_GRAY);
      g.fillRect(0, 160, WIDTH, HEIGHT - 160);

      g.setColor(Color.BLACK);
      g.fillRect((int) (n * 6 % WIDTH), 0, 12, 160);

      int x = bounce(n * 5, WIDTH - 40);
      int y = bounce(n * 3, 160 - 40);
      g.setColor(Color.getHSBColor((n % 60) / 60f, 0.9f, 0.9f));
      g.fillRect(x, y, 40, 40);

      String digits = Long.toString(n % 1_000_000);
      int dx = WIDTH - 16 - digits.length() * 24;
      g.setColor(Color.ORANGE);
      for (int i = 0; i < digits.length(); i++) {
        digit(g, DIGITS[digits.charAt(i) - '0'], dx + i * 24, 176);
      }
    } finally {
      g.dispose();
    }
  }

  private static int bounce(long pos, int range) {
    long p = pos % (2L * range);
    return (int) (p < range ? p : 2L * range - p);
  }

  /** A 16×48 seven-segment digit at (x, y). */
  private static void digit(Graphics2D g, int segments, int x, int y) {
    int w = 16;
    int h = 24;
    int t = 4;
    int[][] rects = {
      {x, y, w, t}, // a
      {x + w - t, y, t, h}, // b
      {x + w - t, y + h, t, h}, // c
      {x, y + 2 * h - t, w, t}, // d
      {x, y + h, t, h}, // e
      {x, y, t, h}, // f
      {x, y + h - t / 2, w, t}, // g
    };
    for (int s = 0; s < rects.length; s++) {
      if ((segments & (1 << s)) != 0) {
        g.fillRect(rects[s][0], rects[s][1], rects[s][2], rects[s][3]);
      }
    }
  }
}
