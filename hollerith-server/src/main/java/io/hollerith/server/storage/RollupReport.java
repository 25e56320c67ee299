package io.hollerith.server.storage;

/**
 * What one rollup pass did.
 *
 * @param rowsRead fine rows read
 * @param rowsWritten coarse rows written (inserted or replaced)
 * @param rowsExpired rows deleted because their retention had passed
 * @param transactions transactions committed
 * @param longestTransactionMillis the longest a single transaction held the write side
 * @param elapsedMillis the whole pass
 */
public record RollupReport(
    long rowsRead, long rowsWritten, long rowsExpired, int transactions, long longestTransactionMillis,
    long elapsedMillis) {}
