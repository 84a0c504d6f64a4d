CREATE TABLE t2 (a INT, b ARRAY<ROW<x INT, y MAP<STRING, DOUBLE>>>, c AS a + 1) WITH ('connector' = 'datagen');
CREATE VIEW v AS SELECT a, b FROM t2;
SET 'table.local-time-zone' = 'UTC';
EXPLAIN SELECT * FROM readings;
