-- One model per device and metric over its readings in event-time order. minTrainingSize 32: in
-- story time (a reading every 5 minutes) a device is watched after under three hours of event time
-- (the default, 128, would take over ten); maxTrainingSize 256 keeps about a day. 99.9 % bounds:
-- the simulator's normal noise (uniform within half the tolerance, a standard deviation of
-- tolerance / sqrt(12)) stays inside them; its single outliers and its defects do not.
INSERT INTO hc_fct_dev_anomaly
SELECT device_id, patient_id, metric_name, CAST(event_time AS TIMESTAMP(3)), metric_value,
       r.forecast_value, r.lower_bound, r.upper_bound
FROM (
  SELECT
    device_id,
    patient_id,
    metric_name,
    event_time,
    metric_value,
    ML_DETECT_ANOMALIES(metric_value, event_time,
                        JSON_OBJECT('minTrainingSize' VALUE 32, 'maxTrainingSize' VALUE 256,
                                    'confidencePercentage' VALUE 99.9))
      OVER (PARTITION BY device_id, metric_name ORDER BY event_time
            RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS r
  FROM hc_raw_device_metrics
  WHERE metric_name IN ('Pressure', 'FlowRate', 'FlowLevel')
)
WHERE r.is_anomaly;
