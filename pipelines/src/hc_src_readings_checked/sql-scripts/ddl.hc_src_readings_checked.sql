-- Every reading with the version of its prescribed parameter valid at the reading's event time
-- (an event-time temporal join: a prescription edited later does not rewrite what earlier readings
-- were measured against), inside the prescription's validity, and whether it is out of range
-- (farther from the target than the tolerance; a reading on the band's edge is in range). A view,
-- not a topic: hc_fct_drift_events, hc_fct_compliance_1h and the non-adherence alert read it, and
-- it keeps the readings' event_time as the time attribute for their windows and patterns. Readings
-- of a metric without a prescription are not here.
CREATE VIEW IF NOT EXISTS hc_src_readings_checked AS
SELECT
  r.device_id,
  r.patient_id,
  r.metric_name AS metric,
  r.event_time,
  r.ts,
  r.metric_value,
  p.prescription_id,
  p.target,
  p.tolerance,
  p.unit,
  p.alert_after_minutes,
  ABS(r.metric_value - p.target) > p.tolerance AS out_of_range
FROM hc_raw_device_metrics AS r
JOIN hc_src_prescription_versions FOR SYSTEM_TIME AS OF r.event_time AS p
  ON r.device_id = p.device_id AND r.metric_name = p.metric
WHERE p.valid_to IS NULL OR r.event_time < p.valid_to;
