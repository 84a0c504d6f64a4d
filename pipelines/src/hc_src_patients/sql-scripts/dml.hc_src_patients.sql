-- Patients from their change events: rows without an id or a name dropped, names trimmed, a
-- missing time zone defaulted to the database's default. The primary key makes the sink keep one row per
-- patient: a CDC event seen twice (snapshot and stream) overwrites rather than duplicates.
INSERT INTO hc_src_patients
SELECT
  patient_id,
  TRIM(name),
  UPPER(gender),
  birth_date,
  zip_code,
  COALESCE(NULLIF(TRIM(timezone), ''), 'America/New_York')
FROM `healthcare.public.patients`
WHERE patient_id IS NOT NULL
  AND name IS NOT NULL;
