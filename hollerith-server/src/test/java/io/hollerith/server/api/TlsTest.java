package io.hollerith.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hollerith.server.auth.AuthStore;
import io.hollerith.server.config.HttpConfig;
import io.hollerith.server.stats.StatsRegistry;
import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from a PKCS#12 keystore (made with the JDK's keytool) and from PEM files (made with
 * openssl).
 */
class TlsTest {

  @TempDir Path dir;

  static void run(Path workDir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  static String tool(String name) {
    File inJdk = new File(System.getProperty("java.home"), "bin/" + name);
    if (inJdk.canExecute()) {
      return inJdk.getPath();
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(d, name);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }

  static HttpConfig tlsConfig(HttpConfig.Tls tls) {
    return new HttpConfig(
        true,
        "127.0.0.1",
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        tls,
        null,
        null,
        null,
        null);
  }

  int healthOverHttps(HttpConfig config, KeyStore trust) throws Exception {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    try (AuthStore auth = AuthStore.openSqlite(dir.resolve("auth.db"), Clock.systemUTC());
        HttpApi api = HttpApi.builder(config, auth, new StatsRegistry()).build().start()) {
      HttpClient client =
          HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + api.address().getPort() + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).contains("\"status\":\"up\"");
      return r.statusCode();
    }
  }

  @Test
  void pkcs12Keystore() throws Exception {
    String keytool = tool("keytool");
    Assumptions.assumeTrue(keytool != null, "keytool not found");
    run(
        dir,
        keytool,
        "-genkeypair",
        "-keystore",
        "server.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        "changeit",
        "-alias",
        "hollerith",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-validity",
        "2");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      ks.load(in, "changeit".toCharArray());
    }
    HttpConfig config =
        tlsConfig(
            new HttpConfig.Tls(
                true, null, null, dir.resolve("server.p12").toString(), "changeit", null));
    assertThat(healthOverHttps(config, ks)).isEqualTo(200);
    assertThat(config.tls().toString()).doesNotContain("changeit");
  }

  @Test
  void pemCertificateAndKey() throws Exception {
    String openssl = tool("openssl");
    Assumptions.assumeTrue(openssl != null, "openssl not found");
    run(
        dir,
        openssl,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "cert.pem",
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-days",
        "2");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
      trust.setCertificateEntry(
          "hollerith", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    HttpConfig config =
        tlsConfig(
            new HttpConfig.Tls(
                true,
                dir.resolve("cert.pem").toString(),
                dir.resolve("key.pem").toString(),
                null,
                null,
                null));
    assertThat(healthOverHttps(config, trust)).isEqualTo(200);
  }

  @Test
  void incompleteSettingsFailWithTheSettingNamed() {
    try (AuthStore auth = AuthStore.openSqlite(dir.resolve("auth.db"), Clock.systemUTC())) {
      HttpApi api =
          HttpApi.builder(
                  tlsConfig(new HttpConfig.Tls(true, "cert.pem", null, null, null, null)),
                  auth,
                  new StatsRegistry())
              .build();
      assertThatThrownBy(api::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "http.tls is enabled: set http.tls.keystore, or both http.tls.certificate and http.tls.private_key");
      api.close();
      HttpApi missing =
          HttpApi.builder(
                  tlsConfig(
                      new HttpConfig.Tls(
                          true, null, null, dir.resolve("nope.p12").toString(), "x", null)),
                  auth,
                  new StatsRegistry())
              .build();
      assertThatThrownBy(missing::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("nope.p12");
      missing.close();
    }
  }
}
