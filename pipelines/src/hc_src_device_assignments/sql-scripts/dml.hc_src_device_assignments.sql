-- Assignments from the raw topic: one without an assignment id or a patient assigns nothing and is
-- dropped (a device whose assignment is dropped this way keeps no row); the time becomes typed.
INSERT INTO hc_src_device_assignments
SELECT device_id, assignment_id, patient_id, hw_model, TO_TIMESTAMP_LTZ(assigned_at, 3)
FROM hc_raw_device_assignments
WHERE assignment_id IS NOT NULL
  AND patient_id IS NOT NULL;
