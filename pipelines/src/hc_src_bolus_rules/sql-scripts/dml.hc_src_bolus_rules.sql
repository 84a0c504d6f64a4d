-- A prescription's rule parameters (one row each in hc_src_prescriptions) pivoted into one row per
-- device. A prescription without a BolusThreshold, a MaxBolusDose and a BloodGlucose target is
-- not an automatic-bolus prescription and gets no row; BolusLockout is 30 minutes when absent.
INSERT INTO hc_src_bolus_rules
SELECT device_id, prescription_id, patient_id, glucose_target, bolus_threshold, max_bolus_units,
       COALESCE(lockout_minutes, 30), valid_from_ms, valid_to_ms
FROM (
  SELECT device_id, prescription_id, patient_id, valid_from_ms, valid_to_ms,
         MAX(CASE WHEN metric = 'BloodGlucose' THEN target END) AS glucose_target,
         MAX(CASE WHEN metric = 'BolusThreshold' THEN target END) AS bolus_threshold,
         MAX(CASE WHEN metric = 'MaxBolusDose' THEN target END) AS max_bolus_units,
         MAX(CASE WHEN metric = 'BolusLockout' THEN CAST(target AS INT) END) AS lockout_minutes
  FROM hc_src_prescriptions
  WHERE metric IN ('BloodGlucose', 'BolusThreshold', 'MaxBolusDose', 'BolusLockout')
    AND valid_from_ms IS NOT NULL
  GROUP BY device_id, prescription_id, patient_id, valid_from_ms, valid_to_ms
)
WHERE glucose_target IS NOT NULL AND bolus_threshold IS NOT NULL AND max_bolus_units > 0;
