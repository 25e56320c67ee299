package io.hollerith.server.api;

import io.netty.handler.codec.http.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web dashboard's files, served from the jar by a router of their own: public (the page holds
 * no data; every figure it shows comes from the API with the user's token), outside the OpenAPI
 * document and the authorization matrix.
 *
 * <p>{@code GET /} answers the page; the files it names as placeholders ({@code {{app.js}}}: a file
 * of the dashboard directory, or {@code uPlot.js}/{@code uPlot.css} from the uPlot WebJar) are
 * served under {@code /ui/} with the first 16 hex digits of their SHA-256 in the name ({@code
 * /ui/app.3f2a….js}), so a browser may keep them for a year ({@code immutable}) and a new build
 * changes the name. A page file is added by naming it in index.html. The page itself is {@code
 * no-cache}: the browser revalidates it by its {@code ETag} and gets 304 when unchanged. Every
 * answer carries a Content-Security-Policy that allows only same-origin scripts, styles, images and
 * requests, and no framing.
 *
 * <p>All files are read and hashed once, at construction. Immutable; thread-safe.
 */
final class DashboardAssets {

  /** The policy sent with every dashboard file. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; "
          + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final String DASHBOARD = "/io/hollerith/server/dashboard/";
  private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /** A file named in index.html, as {@code {{app.js}}}. */
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{([A-Za-z0-9_-]+\\.(?:js|css|svg))}}");

  /** The page's names for uPlot's files, and the files in the WebJar's {@code dist} directory. */
  private static final Map<String, String> UPLOT_FILES =
      Map.of("uPlot.js", "uPlot.iife.min.js", "uPlot.css", "uPlot.min.css");

  /** A file as served. */
  private record Asset(String contentType, byte[] body, String etag, String cacheControl) {}

  private final Map<String, Asset> byPath = new LinkedHashMap<>();

  /**
   * Loads the dashboard from the class path.
   *
   * @throws IllegalStateException when a file index.html names is missing from the jar
   */
  DashboardAssets() {
    String page = new String(read(DASHBOARD + "index.html"), StandardCharsets.UTF_8);
    Matcher placeholder = PLACEHOLDER.matcher(page);
    StringBuilder resolved = new StringBuilder();
    while (placeholder.find()) {
      placeholder.appendReplacement(
          resolved, Matcher.quoteReplacement(hashedPath(placeholder.group(1))));
    }
    placeholder.appendTail(resolved);
    byte[] body = resolved.toString().getBytes(StandardCharsets.UTF_8);
    byPath.put(
        "/",
        new Asset("text/html; charset=utf-8", body, '"' + sha256Prefix(body) + '"', "no-cache"));
  }

  /**
   * Serves the named file (once, however often the page names it) and answers its content-hashed
   * path.
   */
  private String hashedPath(String name) {
    String resource = DASHBOARD + name;
    if (name.startsWith("uPlot.")) {
      String file = UPLOT_FILES.get(name);
      if (file == null) {
        throw new IllegalStateException(
            "index.html names " + name + "; uPlot's files are " + UPLOT_FILES.keySet());
      }
      resource = uplotDirectory() + file;
    }
    byte[] body = read(resource);
    String hash = sha256Prefix(body);
    int dot = name.lastIndexOf('.');
    String path = "/ui/" + name.substring(0, dot) + "." + hash + name.substring(dot);
    byPath.put(path, new Asset(contentType(name), body, '"' + hash + '"', IMMUTABLE));
    return path;
  }

  /**
   * The answer for a dashboard path, or null when the path is not one (the API router decides).
   *
   * @param method the request method; only {@code GET} is served
   * @param path the request path without the query string
   * @param headers the request headers ({@code If-None-Match} gives 304)
   */
  ApiResponse answer(String method, String path, HttpHeaders headers) {
    Asset asset = byPath.get(path);
    if (asset == null || !method.equals("GET")) {
      return null;
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("ETag", asset.etag());
    h.put("Cache-Control", asset.cacheControl());
    h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    h.put("X-Content-Type-Options", "nosniff");
    h.put("Referrer-Policy", "no-referrer");
    if (matches(headers.get("If-None-Match"), asset.etag())) {
      return new ApiResponse(304, asset.contentType(), new byte[0], h);
    }
    return new ApiResponse(200, asset.contentType(), asset.body(), h);
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag) || c.equals("*")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The directory of uPlot's files in the WebJar on the class path, by the version in its Maven
   * metadata.
   */
  private static String uplotDirectory() {
    return "/META-INF/resources/webjars/uplot/" + webJarVersion() + "/dist/";
  }

  private static String webJarVersion() {
    Properties pom = new Properties();
    try (InputStream in = new ByteArrayInputStream(read(UPLOT_POM))) {
      pom.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = pom.getProperty("version");
    if (version == null) {
      throw new IllegalStateException("no version in dashboard resource " + UPLOT_POM);
    }
    return version;
  }

  private static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".svg")) {
      return "image/svg+xml";
    }
    throw new IllegalArgumentException("no content type for " + name);
  }

  private static byte[] read(String resource) {
    try (InputStream in = DashboardAssets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing dashboard resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256Prefix(byte[] body) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(body))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
