-- Automatic insulin bolus: a glucose reading above the pump's BolusThreshold (the rule valid at
-- the reading's event time: hc_src_bolus_rules, an event-time temporal join) gets a bolus of
--   (glucose - target) / 50 units (a correction factor of 50 mg/dL per unit), rounded to 0.1 U,
--   at least 0.5 U and never more than MaxBolusDose,
-- unless another reading above the threshold came less than BolusLockout minutes before it (LAG
-- over the device's readings above the threshold, in event-time order). So a spike gets one bolus
-- at its first high reading, and two boluses are always at least the lockout apart: a second one
-- needs the lockout to pass with no high reading, the conservative reading of "never two within
-- the lockout" (glucose that stays high raises the non-adherence alert for a person to act on).
INSERT INTO `device.commands`
SELECT
  CONCAT('BOLUS-', device_id, '-', CAST(ts AS STRING)),
  device_id,
  patient_id,
  'INSULIN_BOLUS',
  dose_units,
  metric_value,
  bolus_threshold,
  prescription_id,
  CAST(event_time AS TIMESTAMP(3)),
  CONCAT('Glucose ', CAST(metric_value AS STRING), ' mg/dL above ', CAST(bolus_threshold AS STRING),
         ': bolus of ', CAST(dose_units AS STRING), ' U')
FROM (
  SELECT device_id, patient_id, ts, event_time, metric_value, bolus_threshold, prescription_id, lockout_minutes,
         LEAST(max_bolus_units, GREATEST(0.5, ROUND((metric_value - glucose_target) / 50, 1))) AS dose_units,
         LAG(ts) OVER (PARTITION BY device_id ORDER BY event_time) AS previous_high_ts
  FROM (
    SELECT r.device_id, r.patient_id, r.ts, r.event_time, r.metric_value, b.glucose_target, b.bolus_threshold,
           b.max_bolus_units, b.lockout_minutes, b.prescription_id
    FROM hc_raw_device_metrics AS r
    JOIN hc_src_bolus_rules FOR SYSTEM_TIME AS OF r.event_time AS b
      ON r.device_id = b.device_id
    WHERE r.metric_name = 'BloodGlucose'
      AND r.metric_value > b.bolus_threshold
      AND (b.valid_to IS NULL OR r.event_time < b.valid_to)
  )
)
WHERE previous_high_ts IS NULL OR ts - previous_high_ts >= CAST(lockout_minutes AS BIGINT) * 60000;
