/**
 * The {@code hollerith} command line (picocli): {@code serve} runs a node ({@link
 * io.hollerith.server.HollerithServer}) until SIGTERM/SIGINT; {@code send} sends StatsD values with
 * the bundled client; {@code user}, {@code tenant} and {@code namespace} manage the credential
 * store of the configured node. Every command that works on a node takes the same configuration
 * options ({@code --config}, {@code --set}, {@code --data-dir}; {@link
 * io.hollerith.server.cli.ConfigOptions}).
 */
package io.hollerith.server.cli;
