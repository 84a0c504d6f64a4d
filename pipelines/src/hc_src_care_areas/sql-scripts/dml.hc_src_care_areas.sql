-- Care areas a geofence can use: a centre on the globe (latitude -90..90, longitude -180..180) and a
-- positive radius; anything else is dropped rather than raising alerts for every position. A
-- missing time zone gets the database's default, as hc_src_patients does.
INSERT INTO hc_src_care_areas
SELECT
  patient_id,
  center_lat,
  center_lng,
  radius_m,
  COALESCE(NULLIF(TRIM(timezone), ''), 'America/New_York')
FROM hc_raw_care_areas
WHERE center_lat BETWEEN -90 AND 90
  AND center_lng BETWEEN -180 AND 180
  AND radius_m > 0;
