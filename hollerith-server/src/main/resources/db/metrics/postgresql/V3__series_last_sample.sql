-- series.last_sample: start of the latest flush interval in which the series received a sample (the
-- API's lastSeen). last_seen keeps tracking written rows, idle flushes included, for rollups and expiry.
ALTER TABLE series ADD COLUMN last_sample BIGINT NOT NULL DEFAULT 0;
UPDATE series SET last_sample = last_seen;
