import { MergeSettings } from "../../functions/merge";

/** A merge of one product that refreshes the bridge first; both statements carry the salt placeholder. */
export const MERGE_SETTINGS: MergeSettings = {
  products: {
    cart_events: {
      sql: "MERGE INTO retail_silver.cart_events t USING (SELECT '{{email_salt}}' s) s ON 1=1;",
      lookbackMinutes: 30,
      refreshesBridge: true,
    },
  },
  bridgeSql: "MERGE INTO retail_silver.identity_bridge t USING (SELECT '{{email_salt}}' s) s ON 1=1;",
};
