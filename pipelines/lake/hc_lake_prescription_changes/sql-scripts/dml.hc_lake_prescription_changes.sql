-- Every captured version of every prescription, as it is: the image each change event carries (its
-- after, or a delete's before: the version the delete ended). An event without an image (a
-- truncate) is no version: every image has its prescription_id, the table's key.
INSERT INTO hc_lake_prescription_changes
SELECT prescription_id, patient_id, device_id, medication_or_therapy, start_date, end_date, parameters, created_at, updated_at
FROM (
  SELECT
    CASE WHEN op = 'd' THEN `before`.prescription_id ELSE `after`.prescription_id END AS prescription_id,
    CASE WHEN op = 'd' THEN `before`.patient_id ELSE `after`.patient_id END AS patient_id,
    CASE WHEN op = 'd' THEN `before`.device_id ELSE `after`.device_id END AS device_id,
    CASE WHEN op = 'd' THEN `before`.medication_or_therapy ELSE `after`.medication_or_therapy END AS medication_or_therapy,
    CASE WHEN op = 'd' THEN `before`.start_date ELSE `after`.start_date END AS start_date,
    CASE WHEN op = 'd' THEN `before`.end_date ELSE `after`.end_date END AS end_date,
    CASE WHEN op = 'd' THEN `before`.parameters ELSE `after`.parameters END AS parameters,
    CASE WHEN op = 'd' THEN `before`.created_at ELSE `after`.created_at END AS created_at,
    CASE WHEN op = 'd' THEN `before`.updated_at ELSE `after`.updated_at END AS updated_at
  FROM hc_raw_prescription_history
  WHERE op IN ('c', 'r', 'u', 'd')
)
WHERE prescription_id IS NOT NULL;
