package io.visiona.demobox;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** One request on a connection: its head, and the connection's buffered streams. */
record Exchange(RequestHead head, Socket socket, InputStream in, OutputStream out) {}
