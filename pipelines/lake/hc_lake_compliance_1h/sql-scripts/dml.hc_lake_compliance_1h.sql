-- Every row of the topic, as it is: hc_fct_compliance_1h is append-only.
INSERT INTO hc_lake_compliance_1h
SELECT device_id, patient_id, metric, window_start, window_end, in_range_count, reading_count, compliance_pct
FROM hc_fct_compliance_1h;
