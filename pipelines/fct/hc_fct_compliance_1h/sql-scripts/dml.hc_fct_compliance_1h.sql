-- Each reading checked against the version of its prescribed parameter valid at its event time
-- (the temporal join keeps the readings' event time as the time attribute), then one-hour tumbling
-- windows. A reading on the band's edge is in range, as in hc_fct_drift_events.
INSERT INTO hc_fct_compliance_1h
WITH checked AS (
  SELECT
    r.device_id,
    r.patient_id,
    r.metric_name AS metric,
    r.event_time,
    CASE WHEN ABS(r.metric_value - p.target) <= p.tolerance THEN 1 ELSE 0 END AS in_range
  FROM hc_raw_device_metrics AS r
  JOIN hc_src_prescription_versions FOR SYSTEM_TIME AS OF r.event_time AS p
    ON r.device_id = p.device_id AND r.metric_name = p.metric
  WHERE p.valid_to IS NULL OR r.event_time < p.valid_to
)
SELECT
  device_id,
  patient_id,
  metric,
  window_start,
  window_end,
  CAST(SUM(in_range) AS BIGINT),
  COUNT(*),
  ROUND(CAST(SUM(in_range) AS DOUBLE) * 100 / COUNT(*), 2)
FROM TABLE(TUMBLE(TABLE checked, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY device_id, patient_id, metric, window_start, window_end;
