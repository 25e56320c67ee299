package io.hollerith.server.storage;

/**
 * What one rollup pass did.
 *
 * @param rowsRead fine rows read
 * @param rowsWritten coarse rows written (inserted or replaced)
 * @param rowsExpired rows deleted because their retention had passed
 * @param seriesExpired series deleted because their last point had outlived every retention level
 * @param transactions transactions committed
 * @param longestTransactionMillis the longest a single transaction held the write side
 * @param elapsedMillis the whole pass
 */
public record RollupReport(
    long rowsRead,
    long rowsWritten,
    long rowsExpired,
    long seriesExpired,
    int transactions,
    long longestTransactionMillis,
    long elapsedMillis) {}
