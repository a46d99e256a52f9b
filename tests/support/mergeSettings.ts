import { MergeSettings } from "../../functions/merge";
import { EMAIL_SALT_REF } from "../../core/emailSalt";

/** A merge of one product that refreshes the bridge first; both statements read the salt from its table, as the real SQL does. */
export const MERGE_SETTINGS: MergeSettings = {
  products: {
    cart_events: {
      sql: `MERGE INTO retail_silver.cart_events t USING (SELECT (SELECT salt FROM ${EMAIL_SALT_REF}) s) s ON 1=1;`,
      lookbackMinutes: 30,
      refreshesBridge: true,
    },
  },
  bridgeSql: `MERGE INTO retail_silver.identity_bridge t USING (SELECT (SELECT salt FROM ${EMAIL_SALT_REF}) s) s ON 1=1;`,
};
