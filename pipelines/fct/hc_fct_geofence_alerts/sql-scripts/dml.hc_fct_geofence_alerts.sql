-- Haversine on a sphere of the Earth's mean radius (6,371,008.8 m):
--   d = 2 R asin(sqrt(sin²(Δlat / 2) + cos(lat1) cos(lat2) sin²(Δlng / 2)))
-- accurate to about 0.5 % against the ellipsoid, far inside what a care area's radius means. A GPS
-- event without a position, or of a patient without a care area, raises nothing.
INSERT INTO hc_fct_geofence_alerts
WITH positions AS (
  SELECT
    e.event_id,
    e.device_id,
    e.patient_id,
    CAST(TO_TIMESTAMP_LTZ(e.event_ts, 3) AS TIMESTAMP(3)) AS event_time,
    e.lat,
    e.lng,
    a.radius_m,
    2 * 6371008.8 * ASIN(SQRT(
      POWER(SIN(RADIANS(e.lat - a.center_lat) / 2), 2)
      + COS(RADIANS(a.center_lat)) * COS(RADIANS(e.lat)) * POWER(SIN(RADIANS(e.lng - a.center_lng) / 2), 2)
    )) AS distance_m
  FROM hc_raw_device_events AS e
  JOIN hc_src_care_areas AS a ON e.patient_id = a.patient_id
  WHERE e.event_type = 'GPS'
    AND e.lat IS NOT NULL
    AND e.lng IS NOT NULL
)
SELECT
  event_id,
  device_id,
  patient_id,
  event_time,
  lat,
  lng,
  ROUND(distance_m, 1),
  radius_m,
  CONCAT('Device ', device_id, ' of patient ', patient_id, ' is ', CAST(CAST(ROUND(distance_m, 0) AS BIGINT) AS STRING),
         ' m from the care area centre (radius ', CAST(CAST(radius_m AS BIGINT) AS STRING), ' m)')
FROM positions
WHERE distance_m > radius_m;
