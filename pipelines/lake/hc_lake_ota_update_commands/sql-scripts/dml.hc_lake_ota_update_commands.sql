-- The commands' changelog (orders and their retractions by command) into its Iceberg table. A
-- command without an id (an event without one) cannot be keyed: it is left out.
INSERT INTO hc_lake_ota_update_commands
SELECT command_id, device_id, patient_id, hw_model, current_sw_version, target_sw_version, battery_level,
       patient_timezone, local_hour, event_time, message
FROM hc_fct_ota_update_commands
WHERE command_id IS NOT NULL;
