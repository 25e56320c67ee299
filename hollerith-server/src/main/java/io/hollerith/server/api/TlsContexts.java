package io.hollerith.server.api;

import io.hollerith.server.config.HttpConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * Builds the server's TLS context from {@code http.tls}: a PEM certificate chain with a PKCS#8 key,
 * or a PKCS#12 keystore. Errors name the setting and the file. Stateless; thread-safe.
 */
final class TlsContexts {

  private TlsContexts() {}

  /**
   * The context, or null when TLS is off.
   *
   * @throws IllegalStateException when the settings are incomplete or the files unusable
   */
  static SslContext build(HttpConfig.Tls tls) {
    if (!tls.enabled()) {
      return null;
    }
    try {
      if (tls.keystore() != null) {
        char[] password = password(tls);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(tls.keystore()))) {
          ks.load(in, password);
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return SslContextBuilder.forServer(kmf).build();
      }
      if (tls.certificate() == null || tls.privateKey() == null) {
        throw new IllegalStateException(
            "http.tls is enabled: set http.tls.keystore, or both http.tls.certificate and http.tls.private_key");
      }
      return SslContextBuilder.forServer(new File(tls.certificate()), new File(tls.privateKey()))
          .build();
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot load the HTTP TLS key and certificate (" + tls + "): " + e.getMessage(), e);
    }
  }

  private static char[] password(HttpConfig.Tls tls) {
    if (tls.keystorePassword() != null) {
      return tls.keystorePassword().toCharArray();
    }
    if (tls.keystorePasswordEnv() != null) {
      String value = System.getenv(tls.keystorePasswordEnv());
      if (value == null) {
        throw new IllegalStateException(
            "environment variable "
                + tls.keystorePasswordEnv()
                + " (http.tls.keystore_password_env) is not set");
      }
      return value.toCharArray();
    }
    return new char[0];
  }
}
