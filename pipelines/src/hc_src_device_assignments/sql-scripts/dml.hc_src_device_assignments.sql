-- Assignments from the raw topic: one without an assignment id, a patient or a time assigns nothing
-- and is dropped (a device whose assignment is dropped this way keeps no row; a version needs its
-- time); the time stays in epoch milliseconds (the table's assigned_at types it).
INSERT INTO hc_src_device_assignments
SELECT device_id, assignment_id, patient_id, hw_model, assigned_at
FROM hc_raw_device_assignments
WHERE assignment_id IS NOT NULL
  AND patient_id IS NOT NULL
  AND assigned_at IS NOT NULL;
