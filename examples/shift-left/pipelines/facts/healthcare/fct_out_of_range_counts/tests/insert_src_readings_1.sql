insert into src_readings_ut
values ('DEV-1', 'Pressure', 11.2, TIMESTAMP '2026-01-01 08:00:00'),
('DEV-1', 'Pressure', 12.5, TIMESTAMP '2026-01-01 08:01:00'),
('DEV-1', 'Pressure', 9.0, TIMESTAMP '2026-01-01 08:02:00'),
('DEV-1', 'FlowRate', 2.6, TIMESTAMP '2026-01-01 08:00:00'),
('DEV-2', 'Pressure', 12.1, TIMESTAMP '2026-01-01 08:00:00'),
('DEV-3', 'Pressure', 5.0, TIMESTAMP '2026-01-01 08:00:00');
