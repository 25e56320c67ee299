/**
 * The data directory: created readable by the server's user only (0700, its files 0600, so the
 * metric data, the credentials and {@code admin.token} stay private whatever the umask), and held
 * by one server at a time through an exclusive lock on {@code hollerith.lock}.
 */
package io.hollerith.server.datadir;
