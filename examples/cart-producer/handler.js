// Shopify cart webhook → one Kinesis record in the bronze cart_events shape. received_at is stamped
// here, at the ingest edge, because bronze partitions on it; event_time stays exactly as sent.
const { KinesisClient, PutRecordCommand } = require("@aws-sdk/client-kinesis");

const kinesis = new KinesisClient({});

exports.handler = async (event) => {
  const body = JSON.parse(event.body || "{}");
  const record = {
    event_id: body.id,
    event_type: body.topic || "add_to_cart",
    session_id: body.session_id,
    channel: body.channel || "web",
    loyalty_id: body.loyalty_id || null,
    email: body.email || null,
    store_id: null,
    sku: body.sku,
    quantity: body.quantity,
    revenue: body.revenue,
    event_time: body.created_at,
    received_at: new Date().toISOString(),
  };
  await kinesis.send(
    new PutRecordCommand({
      StreamName: process.env.STREAM_NAME,
      PartitionKey: String(body.session_id || body.id),
      Data: Buffer.from(JSON.stringify(record)),
    }),
  );
  return { statusCode: 202, body: "" };
};
