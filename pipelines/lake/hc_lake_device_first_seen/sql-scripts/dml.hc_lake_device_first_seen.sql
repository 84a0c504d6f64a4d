-- Each device's latest image (its created_at never changes). The filter makes the key column
-- non-null for careflow's planner (on Apache Flink it already is: the CDC table's key).
INSERT INTO hc_lake_device_first_seen
SELECT device_id, patient_id, model_type, created_at
FROM hc_raw_device_history
WHERE device_id IS NOT NULL;
