"""Apache Spark (pyspark, local mode, with Apache Iceberg's iceberg-spark-runtime) reads careflow's
tables through careflow's Iceberg REST catalog and runs an aggregate that must match careflow's.

  spark_check.py TOOL WORKDIR RUNTIME_JAR

careflow's 'iceberg' sink writes three tables from the same readings (lake_interop iceberg-sink:
seq 0..N-1, ts on three days, checkpoints every 10 rows):
  - spread: every reading (seq, ts, tag), partitioned by year, month, hour of ts, bucket[2] of seq,
    truncate[2] of tag;
  - counts: careflow's streaming aggregate  k = seq % 7, n = COUNT(*), m = MAX(ts) ... HAVING
    COUNT(*) < 25, an upsert table whose updates and deletes are position delete files;
  - total: careflow's retracting COUNT(*).
Spark loads them through `lake_interop rest` (Iceberg's RESTCatalog), checks the partition spec it
sees, and computes the same aggregate in batch over `spread`: its rows must equal careflow's
`counts` read by Spark (deletes applied by Iceberg's Java reader), and COUNT(*) must equal `total`.
"""
import os
import subprocess
import sys

from pyspark.sql import SparkSession

TOOL, WORK, JAR = sys.argv[1], sys.argv[2], sys.argv[3]
ROWS = 170


def main():
    paths = subprocess.run([TOOL, "iceberg-sink", os.path.join(WORK, "sink"), str(ROWS)], capture_output=True, text=True, check=True)
    warehouse = os.path.join(WORK, "sink", "wh")
    if len(paths.stdout.split()) != 3:
        raise SystemExit(f"lake_interop iceberg-sink printed {paths.stdout!r}")
    rest = subprocess.Popen([TOOL, "rest", warehouse], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        port = int(rest.stdout.readline())
        spark = (SparkSession.builder.master("local[2]").appName("careflow-lake")
                 .config("spark.jars", JAR)
                 .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
                 .config("spark.sql.catalog.careflow", "org.apache.iceberg.spark.SparkCatalog")
                 .config("spark.sql.catalog.careflow.type", "rest")
                 .config("spark.sql.catalog.careflow.uri", f"http://127.0.0.1:{port}/iceberg")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.ui.enabled", "false")
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.driver.host", "127.0.0.1")
                 .getOrCreate())
        try:
            check(spark)
        finally:
            spark.stop()
    finally:
        rest.stdin.close()
        rest.wait(timeout=30)


def check(spark):
    tables = sorted(r.tableName for r in spark.sql("SHOW TABLES IN careflow.default_database").collect())
    if tables != ["counts", "spread", "total"]:
        raise SystemExit(f"Spark lists careflow's tables as {tables}")
    spec = [r.asDict() for r in spark.sql("SELECT * FROM careflow.default_database.spread.partitions LIMIT 1").collect()]
    partition = spec[0]["partition"].asDict() if spec else {}
    if sorted(partition) != ["seq_bucket", "tag_trunc", "ts_hour", "ts_month", "ts_year"]:
        raise SystemExit(f"Spark sees the partition fields {sorted(partition)}")
    spread = spark.table("careflow.default_database.spread")
    if spread.count() != ROWS or sorted(r.seq for r in spread.select("seq").collect()) != list(range(ROWS)):
        raise SystemExit("Spark reading careflow's partitioned table: rows differ")
    # The aggregate careflow ran as a streaming job, run by Spark in batch over careflow's raw rows.
    spark_agg = sorted(tuple(r) for r in spark.sql(
        "SELECT seq % 7 AS k, COUNT(*) AS n, MAX(ts) AS m FROM careflow.default_database.spread "
        "GROUP BY seq % 7 HAVING COUNT(*) < 25").collect())
    careflow_agg = sorted(tuple(r) for r in spark.sql("SELECT k, n, m FROM careflow.default_database.counts").collect())
    if not spark_agg or spark_agg != careflow_agg:
        raise SystemExit(f"Spark's aggregate {spark_agg} differs from careflow's {careflow_agg}")
    total = [r.n for r in spark.sql("SELECT n FROM careflow.default_database.total").collect()]
    if total != [ROWS]:
        raise SystemExit(f"Spark reading careflow's COUNT(*): {total}")
    deletes = spark.sql("SELECT COUNT(*) FROM careflow.default_database.counts.delete_files").collect()[0][0]
    if deletes == 0:
        raise SystemExit("Spark sees no delete files in careflow's upsert table")
    # A filter on the partition source column: Spark plans fewer files than the whole table.
    one_hour = spark.sql("SELECT COUNT(*) FROM careflow.default_database.spread "
                         "WHERE ts >= TIMESTAMP_NTZ'2024-05-01 08:00:00' AND ts < TIMESTAMP_NTZ'2024-05-01 09:00:00'").collect()[0][0]
    if one_hour != len([i for i in range(ROWS) if i % 3 == 0]):
        raise SystemExit(f"Spark's filtered count over one hour: {one_hour}")
    print(f"lake Spark interop: Spark {spark.version} read careflow's 3 tables through its REST catalog; "
          f"the aggregate over {ROWS} rows matches careflow's ({len(careflow_agg)} groups, {deletes} delete files)")


main()
