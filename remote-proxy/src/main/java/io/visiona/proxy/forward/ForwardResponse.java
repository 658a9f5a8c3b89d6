package io.visiona.proxy.forward;

import io.visiona.server.http1.HttpHeader;
import java.util.List;

/** What the device answered: status, headers (hop-by-hop ones removed) and the whole body. */
record ForwardResponse(int status, List<HttpHeader> headers, ResponseBody body) {}
