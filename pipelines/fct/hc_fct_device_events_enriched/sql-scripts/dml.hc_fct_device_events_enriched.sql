-- LEFT JOINs: an event of a device or patient not (yet) known keeps its row with NULL details. The
-- firmware is the event's own when it reports one, else the device's.
INSERT INTO hc_fct_device_events_enriched
SELECT
  e.event_id,
  e.event_type,
  CAST(TO_TIMESTAMP_LTZ(e.event_ts, 3) AS TIMESTAMP(3)),
  e.device_id,
  COALESCE(d.model_type, e.hw_model),
  d.manufacturer,
  COALESCE(e.sw_version, d.software_version),
  e.patient_id,
  p.name,
  p.timezone,
  e.lat,
  e.lng,
  e.battery_level,
  e.plugged
FROM hc_raw_device_events AS e
LEFT JOIN hc_src_devices AS d ON e.device_id = d.device_id
LEFT JOIN hc_src_patients AS p ON e.patient_id = p.patient_id;
