/**
 * The configuration: one record per section of {@code hollerith.yml} with its defaults in the
 * record's constructor (the single place they are written down; {@code hollerith.example.yml}
 * documents them and a test keeps the two equal), {@link io.hollerith.server.config.ConfigLoader}
 * (file, then {@code HOLLERITH_*} environment variables, then {@code --set}) and the range checks.
 * Every problem is reported at once, each naming its key and what is allowed.
 */
package io.hollerith.server.config;
