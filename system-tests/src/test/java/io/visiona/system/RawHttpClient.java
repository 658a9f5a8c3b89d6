package io.visiona.system;

import io.visiona.server.http1.ResponseBodies;
import io.visiona.server.http1.ResponseHead;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection written by hand, so that the benchmark client costs the same
 * few microseconds on both paths and leaves the two cores to the servers: blocking socket, {@code
 * TCP_NODELAY}, one request at a time. Responses are parsed with server-support's decoders.
 */
final class RawHttpClient implements AutoCloseable {

  /** Where requests go: the box itself, or the api-server with the device prefix and session. */
  record Target(String name, InetSocketAddress address, String prefix, String extraHeaders) {}

  private static final int MAX_HEAD = 32 * 1024;

  /** Longest a whole body may take: a transfer that crawls (TCP backoff) fails instead. */
  private static final long BODY_DEADLINE_NANOS = 60_000_000_000L;

  private final Target target;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] drain = new byte[64 * 1024];

  RawHttpClient(Target target) throws IOException {
    this.target = target;
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(target.address(), 5000);
    socket.setSoTimeout(30_000);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
  }

  /** GET, whole body read; the number of body bytes. */
  long get(String path) throws IOException {
    writeHead("GET", path, -1);
    out.flush();
    return drain(open());
  }

  /** POST of {@code length} bytes ({@code block} repeated); the number of response body bytes. */
  long post(String path, long length, byte[] block) throws IOException {
    writeHead("POST", path, length);
    long deadline = System.nanoTime() + BODY_DEADLINE_NANOS;
    for (long left = length; left > 0; left -= block.length) {
      checkDeadline(deadline);
      out.write(block, 0, (int) Math.min(block.length, left));
    }
    out.flush();
    return drain(open());
  }

  /** GET whose body the caller reads (a stream that ends late or never). */
  InputStream stream(String path) throws IOException {
    writeHead("GET", path, -1);
    out.flush();
    return open();
  }

  private void writeHead(String method, String path, long length) throws IOException {
    StringBuilder h = new StringBuilder(256);
    h.append(method).append(' ').append(target.prefix()).append(path).append(" HTTP/1.1\r\n");
    h.append("Host: ").append(target.address().getHostString()).append(':');
    h.append(target.address().getPort()).append("\r\n");
    h.append(target.extraHeaders());
    if (length >= 0) {
      h.append("Content-Type: application/octet-stream\r\nContent-Length: ");
      h.append(length).append("\r\n");
    }
    h.append("\r\n");
    out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private InputStream open() throws IOException {
    ResponseHead head = ResponseHead.readFinal(in, MAX_HEAD);
    if (head.status() != 200) {
      byte[] start = ResponseBodies.open(head, in, false, MAX_HEAD).readNBytes(300);
      throw new IOException(
          target.name()
              + ": status "
              + head.status()
              + " "
              + new String(start, StandardCharsets.UTF_8));
    }
    return ResponseBodies.open(head, in, false, MAX_HEAD);
  }

  private long drain(InputStream body) throws IOException {
    long deadline = System.nanoTime() + BODY_DEADLINE_NANOS;
    long n = 0;
    for (int r; (r = body.read(drain)) >= 0; ) {
      n += r;
      checkDeadline(deadline);
    }
    return n;
  }

  private void checkDeadline(long deadline) throws IOException {
    if (System.nanoTime() - deadline > 0) {
      throw new IOException(target.name() + ": body not done within 60 s");
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
