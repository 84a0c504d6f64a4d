INSERT INTO alerts
SELECT device_id, COUNT(*), AVG(metric_value)
FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY device_id, window_start, window_end
HAVING AVG(metric_value) > -(-3) + 2 * (1 + 1);
