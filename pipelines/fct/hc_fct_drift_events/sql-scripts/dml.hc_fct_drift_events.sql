-- Each reading is joined with the version of its device's prescribed parameter valid at the
-- reading's event time (an event-time temporal join: a prescription edited later does not rewrite
-- what earlier readings were measured against), inside the prescription's validity. A reading
-- exactly on the band's edge is in range. Readings of a metric without a prescription are no drift.
INSERT INTO hc_fct_drift_events
SELECT
  r.device_id,
  r.patient_id,
  r.metric_name,
  r.event_time,
  r.metric_value,
  p.prescription_id,
  p.target,
  p.tolerance,
  ROUND(r.metric_value - p.target, 2),
  CASE WHEN r.metric_value > p.target THEN 'ABOVE' ELSE 'BELOW' END,
  CONCAT(r.metric_name, ' ', CAST(r.metric_value AS STRING), ' ', COALESCE(p.unit, ''),
         CASE WHEN r.metric_value > p.target THEN ' above' ELSE ' below' END,
         ' the prescribed ', CAST(p.target AS STRING), ' +/- ', CAST(p.tolerance AS STRING))
FROM hc_raw_device_metrics AS r
JOIN hc_src_prescription_versions FOR SYSTEM_TIME AS OF r.event_time AS p
  ON r.device_id = p.device_id AND r.metric_name = p.metric
WHERE (p.valid_to IS NULL OR r.event_time < p.valid_to)
  AND ABS(r.metric_value - p.target) > p.tolerance;
