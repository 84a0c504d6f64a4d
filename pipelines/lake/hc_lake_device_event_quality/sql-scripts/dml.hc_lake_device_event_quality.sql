-- Every row of the topic, as it is: hc_fct_device_event_quality is append-only.
INSERT INTO hc_lake_device_event_quality
SELECT event_id, device_id, patient_id, event_type, check_name, bad_value, event_ts
FROM hc_fct_device_event_quality;
