package io.hollerith.server.auth;

/**
 * A user as listed by {@link AuthStore#listUsers()}. Immutable.
 *
 * @param id store identifier
 * @param name unique login name
 * @param role the one role
 * @param tenant the tenant's name
 * @param createdMillis creation time
 * @param activeTokens tokens neither revoked nor expired
 */
public record User(
    long id, String name, Role role, String tenant, long createdMillis, int activeTokens) {}
