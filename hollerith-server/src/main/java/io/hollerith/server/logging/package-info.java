/**
 * Logback set-up from {@code logging.format} ({@code text} or {@code json}) and {@code
 * logging.level}.
 */
package io.hollerith.server.logging;
