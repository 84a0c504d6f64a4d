-- Each device's latest image (its created_at never changes); an event without a device id is no
-- device.
INSERT INTO hc_lake_device_first_seen
SELECT device_id, patient_id, model_type, created_at
FROM hc_raw_device_history
WHERE device_id IS NOT NULL;
