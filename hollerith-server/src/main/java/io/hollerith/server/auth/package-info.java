/**
 * Who may call the HTTP API and what they may see.
 *
 * <ul>
 *   <li><b>Tokens.</b> Clients send {@code Authorization: Token <t>} (the Waldur form) or {@code
 *       Authorization: Bearer <t>}. A token is {@code hol_} plus 256 random bits; the store keeps
 *       only its SHA-256, with an optional expiry and a revocation time.
 *   <li><b>Roles and permissions.</b> A user has one {@link io.hollerith.server.auth.Role}: {@code
 *       admin} (every permission), {@code support} ({@code OPS:READ}, {@code STAT:READ}) or {@code
 *       reader} ({@code STAT:READ}). The mapping lives only in {@code Role}; every route declares
 *       the {@link io.hollerith.server.auth.Permission} it needs.
 *   <li><b>Tenancy</b> (as in Traffic Ops). Tenants form a tree under {@code root}; a user belongs
 *       to one tenant and sees it and its descendants. Metric namespaces (name prefixes such as
 *       {@code shop.}) are assigned to tenants; the longest matching prefix decides, and names no
 *       prefix matches belong to {@code root}. A series outside the caller's reach answers exactly
 *       like a series that does not exist.
 *   <li><b>Persistence.</b> {@link io.hollerith.server.auth.AuthStore}: SQLite file {@code
 *       <data_dir>/auth.db}, or schema {@code <storage.postgresql.schema>_auth} (default {@code
 *       hollerith_auth}) when the store is PostgreSQL; Flyway migrations in {@code db/auth/sqlite}
 *       and {@code db/auth/postgresql}. The first start with no users creates {@code admin} and
 *       writes its token to {@code <data_dir>/admin.token} (mode 0600).
 * </ul>
 */
package io.hollerith.server.auth;
