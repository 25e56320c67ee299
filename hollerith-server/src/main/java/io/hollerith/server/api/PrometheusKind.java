package io.hollerith.server.api;

import java.util.List;

/**
 * The Prometheus metric types Hollerith exposes, and the sample names a family of each type writes.
 */
enum PrometheusKind {
  COUNTER("counter", "_total", "_created"),
  GAUGE("gauge"),
  HISTOGRAM("histogram", "_bucket", "_sum", "_count", "_created");

  /** Every suffix any kind adds to its family's name. */
  static final List<String> ALL_SUFFIXES =
      List.of("_total", "_created", "_bucket", "_sum", "_count");

  private final String typeName;
  private final List<String> suffixes;

  PrometheusKind(String typeName, String... suffixes) {
    this.typeName = typeName;
    this.suffixes = List.of(suffixes);
  }

  /** The name on the {@code # TYPE} line. */
  String typeName() {
    return typeName;
  }

  /**
   * The sample names a family called {@code family} of this kind writes (or reserves): the name
   * itself first.
   */
  List<String> claims(String family) {
    String[] names = new String[suffixes.size() + 1];
    names[0] = family;
    for (int i = 0; i < suffixes.size(); i++) {
      names[i + 1] = family + suffixes.get(i);
    }
    return List.of(names);
  }
}
