-- Each device's latest image (its created_at never changes): the image each change event carries
-- (its after, or a deleted device's before). The outer filter makes the key column non-null, as the
-- sink's key must be.
INSERT INTO hc_lake_device_first_seen
SELECT device_id, patient_id, model_type, created_at
FROM (
  SELECT
    CASE WHEN op = 'd' THEN `before`.device_id ELSE `after`.device_id END AS device_id,
    CASE WHEN op = 'd' THEN `before`.patient_id ELSE `after`.patient_id END AS patient_id,
    CASE WHEN op = 'd' THEN `before`.model_type ELSE `after`.model_type END AS model_type,
    CASE WHEN op = 'd' THEN `before`.created_at ELSE `after`.created_at END AS created_at
  FROM hc_raw_device_history
  WHERE op IN ('c', 'r', 'u', 'd')
)
WHERE device_id IS NOT NULL;
