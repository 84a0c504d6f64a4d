-- Commands to the devices. INSULIN_BOLUS: the pump gives dose_units of rapid-acting insulin; the
-- simulator's pumps follow this topic (src/sim/device_commands.h) and their glucose falls.
-- Append-only; issued_at is the event time (UTC) of the reading that caused the command.
CREATE TABLE IF NOT EXISTS `device.commands` (
  command_id STRING,
  device_id STRING,
  patient_id STRING,
  command_type STRING,       -- INSULIN_BOLUS
  dose_units DOUBLE,
  glucose DOUBLE,            -- the reading, mg/dL
  bolus_threshold DOUBLE,
  prescription_id STRING,
  issued_at TIMESTAMP(3),
  message STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'device.commands',
  'value.format' = 'avro-confluent'
);
