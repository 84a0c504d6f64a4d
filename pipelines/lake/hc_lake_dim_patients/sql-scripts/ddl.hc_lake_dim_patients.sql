-- hc_dim_patients in the lakehouse: the Iceberg table healthcare.hc_dim_patients, one row per
-- patient (PRIMARY KEY: the sink upserts, an update deleting the old row by a position delete file
-- in the same snapshot, docs/lake.md), unpartitioned; one snapshot per checkpoint, exactly once.
CREATE TABLE IF NOT EXISTS hc_lake_dim_patients (
  patient_id STRING,
  name STRING,
  timezone STRING,
  device_id STRING,
  model_type STRING,
  software_version STRING,
  prescription_id STRING,
  pressure_target DOUBLE,
  pressure_tolerance DOUBLE,
  flow_rate_target DOUBLE,
  flow_rate_tolerance DOUBLE,
  flow_level_target DOUBLE,
  flow_level_tolerance DOUBLE,
  PRIMARY KEY (patient_id) NOT ENFORCED
) WITH (
  'connector' = 'iceberg',
  'catalog-name' = 'lake',
  'catalog-database' = 'healthcare',
  'catalog-table' = 'hc_dim_patients',
  'write.upsert.enabled' = 'true'
);
