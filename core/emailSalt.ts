/**
 * Where the email-hash salt lives: a one-column Glue table in the account's default catalog over one KMS-encrypted
 * S3 object the platform writes from its secret config. The SQL reads it with a scalar subquery
 * (`(SELECT salt FROM awsdatacatalog.retail_ops.email_salt)`), so no statement Athena records, and no log, metric or
 * error of ours, carries the salt's text; only the merge role may read the table. The local lakehouse attaches a
 * database of the same name, so the same SQL runs on both engines.
 */
export const EMAIL_SALT_TABLE = { catalog: "awsdatacatalog", database: "retail_ops", table: "email_salt", column: "salt" } as const;

/** The reference the SQL makes, spelled once for tests and the local engine. */
export const EMAIL_SALT_REF = `${EMAIL_SALT_TABLE.catalog}.${EMAIL_SALT_TABLE.database}.${EMAIL_SALT_TABLE.table}`;

/** The only principals that may read the salt (role-name parts, as the sql/ headers' pii= readers): those that hash emails. */
export const EMAIL_SALT_READERS = ["ops-merge", "ops-erase"] as const;
