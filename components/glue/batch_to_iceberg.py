"""Thin Glue 5.0 driver for a batch lane: read one source extract, append its raw rows to the product's bronze table.

Everything the job needs arrives as job arguments set by components/batchLane.ts (tests check that both
sides name the same arguments). Validation, dedupe, the salted email hash and quarantine belong to the silver
MERGE (sql/merge/<product>.sql), which Operations runs when this job succeeds, exactly as for streamed products:
one tested definition of silver, and the salt read in one place (its table, by the merge SQL). So this job only casts to the bronze schema.
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
]

# Bronze tables of event products carry the time the platform landed each row (Firehose stamps it for streams).
RECEIVED_AT = "received_at"


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
    # received_at is compared with UTC literals by the merge window and the reconciliation day.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    target = f"s3tables.{args['target_table']}"
    schema = spark.table(target).schema
    df = read_source(spark, args)
    if RECEIVED_AT in schema.fieldNames():
        # The merge re-reads bronze by received_at from this run's success backwards, so it must be the landing
        # time (one value per run), never a column of the same name the source happens to send.
        df = df.withColumn(RECEIVED_AT, F.current_timestamp())
    missing = [f.name for f in schema if f.name not in df.columns]
    if missing:
        raise ValueError(f"{args['target_table']}: source has no column(s) {missing}; fix the extract or the DDL")
    # Append only: a re-run lands its rows again and the merge's row_key dedupe makes that harmless.
    df.select([F.col(f.name).cast(f.dataType) for f in schema]).writeTo(target).append()


if __name__ == "__main__":
    main()
