-- Entries that name a firmware version, trimmed; an entry without one allows nothing and is dropped.
INSERT INTO hc_src_ota_allowlist
SELECT device_id, hw_model, TRIM(target_sw_version)
FROM hc_raw_ota_allowlist
WHERE NULLIF(TRIM(target_sw_version), '') IS NOT NULL;
