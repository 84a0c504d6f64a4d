-- The prescriptions pipeline's source step, as it runs on careflow and, unchanged, on Flink:
-- Debezium change events of public.prescriptions, one row per prescription parameter.
--   careflow topic produce healthcare.public.prescriptions --format value < cdc.jsonl
--   careflow sql -f pipeline.sql --bounded

CREATE TABLE `healthcare.public.prescriptions` (
  id STRING,
  patient_id STRING,
  device_id STRING,
  valid_from TIMESTAMP(3),
  parameters STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'healthcare.public.prescriptions',
  'value.format' = 'debezium-json'
);

CREATE TABLE hc_src_prescriptions (
  prescription_id STRING,
  patient_id STRING,
  device_id STRING,
  parameter_name STRING,
  target DOUBLE,
  tolerance DOUBLE,
  unit STRING
) WITH ('changelog.mode' = 'retract');

INSERT INTO hc_src_prescriptions
SELECT p.id, p.patient_id, p.device_id,
       JSON_VALUE(param, '$.parameter_name'),
       CAST(JSON_VALUE(param, '$.parameter_value') AS DOUBLE),
       CAST(JSON_VALUE(param, '$.parameter_tolerance') AS DOUBLE),
       JSON_VALUE(param, '$.unit')
FROM `healthcare.public.prescriptions` AS p
CROSS JOIN UNNEST(JSON_QUERY(p.parameters, '$' RETURNING ARRAY<STRING>)) AS t(param);

-- The current settings per device, read back from the table the INSERT writes.
SELECT device_id, parameter_name, target, tolerance FROM hc_src_prescriptions;
