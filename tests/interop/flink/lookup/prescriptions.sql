-- The PostgreSQL table the lookup-join checks read: src/exec/tests/jdbc_lookup_test.cc (careflow)
-- and tests/interop/flink/lookup/run (Apache Flink with flink-connector-jdbc). One column per type
-- the JDBC connector maps.
CREATE TABLE prescriptions (id text PRIMARY KEY, device_id text, target numeric(10, 2), dose integer, small smallint,
  big bigint, ratio double precision, f real, active boolean, valid_from timestamp(3), start_day date, dose_time time(0),
  changed timestamptz, payload bytea, notes varchar(40));
INSERT INTO prescriptions VALUES
  ('RX-1', 'DEV-P001', 120.50, 5, 1, 9000000000, 0.25, 1.5, true, '2024-01-01 08:00:00.123', '2024-01-01', '08:30:00',
   '2024-01-01 09:00:00+02', '\x0aff', 'it''s fine'),
  ('RX-2', 'DEV-P002', 80.00, 3, 2, -1, 1e-4, 2, false, '2024-02-01 00:00:00', '2024-02-01', '23:59:59',
   '2024-02-01 00:00:00+00', '\x', NULL),
  ('RX-3', 'DEV-P002', 82.00, 4, 3, 0, 0, 0, true, NULL, NULL, NULL, NULL, NULL, 'second');
