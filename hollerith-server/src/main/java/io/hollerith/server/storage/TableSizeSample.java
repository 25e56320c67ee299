package io.hollerith.server.storage;

import java.time.LocalDate;

/**
 * One day's stored measurement of one table, from the table-growth history. Immutable.
 *
 * @param day the UTC day the sample was taken
 * @param size the table's sizes and row estimate on that day
 */
public record TableSizeSample(LocalDate day, TableSize size) {}
