-- Devices from their change events: a device without an id or without a patient is not a device a
-- pipeline can use and is dropped; the primary key keeps one row per device.
INSERT INTO hc_src_devices
SELECT
  device_id,
  patient_id,
  model_type,
  manufacturer,
  serial_number,
  software_version,
  pressure_setting,
  flow_rate_setting,
  flow_level_setting
FROM `healthcare.public.devices`
WHERE device_id IS NOT NULL
  AND patient_id IS NOT NULL;
