-- The prescribed parameters, re-keyed by device and metric. Only the parameters a device measures
-- get versions: the insulin pump's rule (BolusThreshold, ...) is configuration, never a reading.
INSERT INTO hc_src_prescription_versions
SELECT device_id, metric, prescription_id, patient_id, target, tolerance, unit, alert_after_minutes,
       valid_from_ms, valid_to_ms
FROM hc_src_prescriptions
WHERE metric IN ('Pressure', 'FlowRate', 'FlowLevel', 'BloodGlucose')
  AND valid_from_ms IS NOT NULL;
