-- The dimension's changelog (upserts and deletes by patient) into its Iceberg table.
INSERT INTO hc_lake_dim_patients
SELECT patient_id, name, timezone, device_id, model_type, software_version, prescription_id, pressure_target,
       pressure_tolerance, flow_rate_target, flow_rate_tolerance, flow_level_target, flow_level_tolerance
FROM hc_dim_patients;
