-- When each stored gauge value was last set by a sample (epoch milliseconds, the receiving node's
-- clock), as opposed to "updated", when the row was written. A node sends every gauge it holds on
-- every flush, so reads that merge nodes keep the value with the latest set_at: a re-sent unchanged
-- gauge never overrides a newer value from another node. Rows written before this column existed
-- take their write time, the best estimate they have.
ALTER TABLE gauge_points ADD COLUMN set_at BIGINT NOT NULL DEFAULT 0;
UPDATE gauge_points SET set_at = updated;
ALTER TABLE gauge_values ADD COLUMN set_at BIGINT NOT NULL DEFAULT 0;
UPDATE gauge_values SET set_at = updated;
