package io.hollerith.server.auth;

/**
 * An authenticated caller. Immutable.
 *
 * @param userId store identifier of the user, or 0 for an anonymous scraper
 * @param userName the name written to the access log (never the token)
 * @param role its role
 * @param tenantId the user's tenant
 */
public record Principal(long userId, String userName, Role role, long tenantId) {

  public boolean has(Permission permission) {
    return role.grants(permission);
  }
}
