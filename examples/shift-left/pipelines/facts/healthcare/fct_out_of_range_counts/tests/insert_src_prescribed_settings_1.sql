insert into src_prescribed_settings_ut
values ('DEV-1', 'Pressure', 11.0, 1.0),
('DEV-1', 'FlowRate', 2.7, 0.5),
('DEV-2', 'Pressure', 12.0, 1.0);
