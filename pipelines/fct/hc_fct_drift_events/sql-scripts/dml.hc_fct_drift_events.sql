-- The readings out of range of the prescription valid at their event time (hc_src_readings_checked).
INSERT INTO hc_fct_drift_events
SELECT
  device_id,
  patient_id,
  metric,
  CAST(event_time AS TIMESTAMP(3)),
  metric_value,
  prescription_id,
  target,
  tolerance,
  ROUND(metric_value - target, 2),
  CASE WHEN metric_value > target THEN 'ABOVE' ELSE 'BELOW' END,
  CONCAT(metric, ' ', CAST(metric_value AS STRING), ' ', COALESCE(unit, ''),
         CASE WHEN metric_value > target THEN ' above' ELSE ' below' END,
         ' the prescribed ', CAST(target AS STRING), ' +/- ', CAST(tolerance AS STRING))
FROM hc_src_readings_checked
WHERE out_of_range;
