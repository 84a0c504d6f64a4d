-- The current prescription of a device is the one that starts last (valid_from); its parameters
-- are pivoted into one column pair per metric. Patients without a device or a prescription keep
-- their row with NULL settings (LEFT JOINs). Every change upstream retracts and re-emits the rows
-- it touches: a new prescription replaces the settings of its patient's row.
INSERT INTO hc_dim_patients
WITH latest AS (
  SELECT device_id, MAX(valid_from) AS valid_from
  FROM hc_src_prescriptions
  GROUP BY device_id
),
current_settings AS (
  SELECT
    r.device_id,
    MAX(r.prescription_id) AS prescription_id,
    MAX(CASE WHEN r.metric = 'Pressure' THEN r.target END) AS pressure_target,
    MAX(CASE WHEN r.metric = 'Pressure' THEN r.tolerance END) AS pressure_tolerance,
    MAX(CASE WHEN r.metric = 'FlowRate' THEN r.target END) AS flow_rate_target,
    MAX(CASE WHEN r.metric = 'FlowRate' THEN r.tolerance END) AS flow_rate_tolerance,
    MAX(CASE WHEN r.metric = 'FlowLevel' THEN r.target END) AS flow_level_target,
    MAX(CASE WHEN r.metric = 'FlowLevel' THEN r.tolerance END) AS flow_level_tolerance
  FROM hc_src_prescriptions AS r
  JOIN latest AS l ON r.device_id = l.device_id AND r.valid_from = l.valid_from
  GROUP BY r.device_id
)
SELECT
  p.patient_id,
  p.name,
  p.timezone,
  d.device_id,
  d.model_type,
  d.software_version,
  s.prescription_id,
  s.pressure_target,
  s.pressure_tolerance,
  s.flow_rate_target,
  s.flow_rate_tolerance,
  s.flow_level_target,
  s.flow_level_tolerance
FROM hc_src_patients AS p
LEFT JOIN hc_src_devices AS d ON p.patient_id = d.patient_id
LEFT JOIN current_settings AS s ON d.device_id = s.device_id;
