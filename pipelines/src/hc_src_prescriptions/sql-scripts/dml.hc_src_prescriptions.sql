-- The prescriptions' JSON parameter arrays unnested into one typed row per parameter. A parameter
-- without a name or with a value that is not a number is dropped (TRY_CAST gives NULL for it).
-- alert_after_minutes (optional in the parameter) is how long the metric may stay out of range
-- before the non-adherence alert; 5 minutes when absent or not a whole number.
INSERT INTO hc_src_prescriptions
SELECT
  p.prescription_id,
  p.patient_id,
  p.device_id,
  p.medication_or_therapy,
  JSON_VALUE(param, '$.parameter_name'),
  TRY_CAST(JSON_VALUE(param, '$.parameter_value') AS DOUBLE),
  COALESCE(TRY_CAST(JSON_VALUE(param, '$.parameter_tolerance') AS DOUBLE), 0.0),
  JSON_VALUE(param, '$.unit'),
  p.start_date,
  p.end_date,
  COALESCE(TRY_CAST(JSON_VALUE(param, '$.alert_after_minutes') AS INT), 5)
FROM `healthcare.public.prescriptions` AS p
CROSS JOIN UNNEST(JSON_QUERY(p.parameters, '$' RETURNING ARRAY<STRING>)) AS t(param)
WHERE p.prescription_id IS NOT NULL
  AND p.device_id IS NOT NULL
  AND JSON_VALUE(param, '$.parameter_name') IS NOT NULL
  AND TRY_CAST(JSON_VALUE(param, '$.parameter_value') AS DOUBLE) IS NOT NULL;
