-- Every captured version of every prescription, as it is.
INSERT INTO hc_lake_prescription_changes
SELECT prescription_id, patient_id, device_id, medication_or_therapy, start_date, end_date, parameters, created_at,
       updated_at
FROM hc_raw_prescription_history;
