-- Every row of the topic, as it is: hc_fct_clogged_filter is append-only.
INSERT INTO hc_lake_clogged_filter
SELECT device_id, patient_id, rise_start, rise_end, pressure_before, pressure_after, pressure_rise_pct, flow_rate_before, flow_rate_after, detected_at
FROM hc_fct_clogged_filter;
