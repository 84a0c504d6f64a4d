-- The database operations both captures see, after both took their snapshot of the seed rows.
-- One statement per line; a line holding several statements is one transaction.
INSERT INTO prescriptions (prescription_id, patient_id, device_id, medication_or_therapy, start_date, parameters, created_at, updated_at) VALUES ('RX-DEV-P001-int1', 'P001', 'DEV-P001', 'insulin', 1767225600000, '[{"parameter_name": "Pressure", "parameter_value": 12, "parameter_tolerance": 1, "unit": "psi"}]', '2026-01-01 10:00:00+00', '2026-01-01 10:00:00.123456+00');
UPDATE prescriptions SET end_date = 1767312000000, updated_at = '2026-01-02 08:30:00+00' WHERE prescription_id = 'RX-DEV-P001-int1';
BEGIN; INSERT INTO patients (patient_id, name, gender, birth_date, zip_code, created_at, updated_at) VALUES ('P900', 'Interop Patient', 'F', '1975-03-04', '15213', '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00'); INSERT INTO devices (device_id, patient_id, model_type, manufacturer, serial_number, software_version, pressure_setting, flow_rate_setting, flow_level_setting, created_at, updated_at) VALUES ('DEV-P900', 'P900', 'pump', 'Acme', 'SN-900', '1.2.3', 12.5, 2.25, 0.1, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00'); UPDATE patients SET zip_code = '15232' WHERE patient_id = 'P900'; COMMIT;
UPDATE devices SET pressure_setting = 13, updated_at = '2026-01-03 00:00:00+00' WHERE device_id = 'DEV-P900';
UPDATE prescriptions SET prescription_id = 'RX-DEV-P001-int2' WHERE prescription_id = 'RX-DEV-P001-int1';
DELETE FROM prescriptions WHERE prescription_id = 'RX-DEV-P001-int2';
BEGIN; DELETE FROM devices WHERE device_id = 'DEV-P900'; DELETE FROM patients WHERE patient_id = 'P900'; COMMIT;
TRUNCATE prescriptions;
