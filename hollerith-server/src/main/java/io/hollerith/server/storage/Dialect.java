package io.hollerith.server.storage;

/** The few SQL differences between the engines; the schema and statements are otherwise shared. */
enum Dialect {
  SQLITE("sqlite", "min", "max", "?", ""),
  POSTGRESQL("postgresql", "LEAST", "GREATEST", "CAST(? AS jsonb)", " FOR SHARE");

  final String engine;

  /** Two-argument scalar minimum (SQLite's {@code min(a, b)}, PostgreSQL's {@code LEAST}). */
  final String least;

  final String greatest;

  /** Placeholder for a JSON text parameter. */
  final String jsonParam;

  /**
   * Suffix of a {@code SELECT} that must hold a shared row lock until the transaction ends (empty
   * on SQLite, whose write transactions are {@code BEGIN IMMEDIATE} and so already exclusive).
   */
  final String forShare;

  Dialect(String engine, String least, String greatest, String jsonParam, String forShare) {
    this.engine = engine;
    this.least = least;
    this.greatest = greatest;
    this.jsonParam = jsonParam;
    this.forShare = forShare;
  }

  /**
   * Null-tolerant minimum of two columns/expressions (SQLite's {@code min} returns NULL on a NULL
   * argument).
   */
  String least(String a, String b) {
    return least + "(COALESCE(" + a + ", " + b + "), COALESCE(" + b + ", " + a + "))";
  }

  String greatest(String a, String b) {
    return greatest + "(COALESCE(" + a + ", " + b + "), COALESCE(" + b + ", " + a + "))";
  }
}
