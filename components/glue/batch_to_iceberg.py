"""Thin Glue 5.0 driver for a batch lane: read one source extract, write it to its S3 Tables Iceberg table.

Everything the job needs arrives as job arguments set by components/batchLane.ts (tests check that both
sides name the same arguments). Transformations beyond casting to the table's schema belong in sql/,
where they are tested; the only one here is the salted email hash, which must never reach silver raw.
"""
import json
import sys

import boto3
from awsglue.context import GlueContext
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F

ARGS = [
    "JOB_NAME",
    "source_kind",
    "source_uri",
    "source_secret_id",
    "source_format",
    "target_table",
    "semantics",
    "salt_secret_arn",
]


def secret_string(secret_id):
    return boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]


def read_source(spark, args):
    if args["source_kind"] == "jdbc":
        # The Glue NETWORK connection gives the job ENIs in private subnets; the JDBC URL and
        # credentials stay in Secrets Manager, never in job arguments.
        conn = json.loads(secret_string(args["source_secret_id"]))
        return (
            spark.read.format("jdbc")
            .option("url", conn["url"])
            .option("user", conn["username"])
            .option("password", conn["password"])
            .option("dbtable", conn["table"])
            .load()
        )
    reader = spark.read.option("header", "true") if args["source_format"] == "csv" else spark.read
    return reader.format(args["source_format"]).load(args["source_uri"])


def main():
    args = getResolvedOptions(sys.argv, ARGS)
    glue = GlueContext(SparkContext.getOrCreate())
    spark = glue.spark_session
    target = f"s3tables.{args['target_table']}"
    schema = spark.table(target).schema
    df = read_source(spark, args)
    if "email_hash" in schema.fieldNames() and "email" in df.columns:
        salt = secret_string(args["salt_secret_arn"])
        # Same definition as sql/: lower-case hex SHA-256 of salt || lower(trim(email)).
        df = df.withColumn("email_hash", F.sha2(F.concat(F.lit(salt), F.lower(F.trim(F.col("email")))), 256))
    missing = [f.name for f in schema if f.name not in df.columns]
    if missing:
        raise ValueError(f"{args['target_table']}: source has no column(s) {missing}; fix the extract or the DDL")
    out = df.select([F.col(f.name).cast(f.dataType) for f in schema])
    if args["semantics"] == "snapshot":
        # A snapshot replaces what it covers: re-running the same day gives the same table.
        out.writeTo(target).overwritePartitions()
    else:
        # Events merge on event_id so a retried or overlapping run never double-counts.
        out.dropDuplicates(["event_id"]).createOrReplaceTempView("batch_source")
        spark.sql(
            f"MERGE INTO {target} t USING batch_source s ON t.event_id = s.event_id "
            "WHEN NOT MATCHED THEN INSERT *"
        )


if __name__ == "__main__":
    main()
