package io.visiona.proxy.forward;

import java.util.List;

/** What the device answered: status, headers (hop-by-hop ones removed) and the whole body. */
public record ForwardResponse(int status, List<HttpHeader> headers, byte[] body) {}
