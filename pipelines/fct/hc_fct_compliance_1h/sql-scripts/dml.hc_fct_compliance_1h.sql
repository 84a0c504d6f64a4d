-- One-hour tumbling windows over the readings checked against the prescription valid at their
-- event time (hc_src_readings_checked keeps event_time as the time attribute).
INSERT INTO hc_fct_compliance_1h
SELECT
  device_id,
  patient_id,
  metric,
  window_start,
  window_end,
  CAST(SUM(CASE WHEN out_of_range THEN 0 ELSE 1 END) AS BIGINT),
  COUNT(*),
  ROUND(CAST(SUM(CASE WHEN out_of_range THEN 0 ELSE 1 END) AS DOUBLE) * 100 / COUNT(*), 2)
FROM TABLE(TUMBLE(TABLE hc_src_readings_checked, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY device_id, patient_id, metric, window_start, window_end;
