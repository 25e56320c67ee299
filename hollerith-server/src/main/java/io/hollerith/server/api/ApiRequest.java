package io.hollerith.server.api;

import io.hollerith.server.auth.Access;
import io.hollerith.server.auth.Principal;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One request as a handler sees it: decoded, body copied, caller authenticated. Handlers run on a
 * worker thread, never on a network thread. Immutable apart from the lazily computed access.
 *
 * @param method upper-case method
 * @param path path without the query string
 * @param pathParams the values of the route's {@code {name}} path segments
 * @param params decoded query parameters
 * @param headers the request headers
 * @param body the request body (empty for none)
 * @param remoteAddress the client's IP address as text
 * @param principal the authenticated caller, or null on a public route
 * @param accessSupplier computes what the caller may see (one store read), on first use
 */
record ApiRequest(
    String method,
    String path,
    Map<String, String> pathParams,
    Map<String, List<String>> params,
    HttpHeaders headers,
    byte[] body,
    String remoteAddress,
    Principal principal,
    Supplier<Access> accessSupplier) {

  Access access() {
    return accessSupplier.get();
  }

  String header(String name) {
    return headers.get(name);
  }
}
