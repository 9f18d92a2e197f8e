/**
 * Table layouts shared by the CDK stack, the local host and the repositories: one place per concept.
 * dynalite has no transactions and no TTL, so every write is a single-item conditional write and
 * expiry is an attribute that AWS enforces (TTL) and readers also check.
 */
export const TABLES = {
  /** Mappings, claims and watermarks: pk/sk single-table design. */
  state: { name: "state", partitionKey: "pk", sortKey: "sk" },
  /** Every sync outcome, partitioned by flow and day; expires after 30 days. */
  syncLog: { name: "sync-log", partitionKey: "pk", sortKey: "sk", ttlAttribute: "expiresAt" },
  /** Webhook event ids already accepted; expires after 3 days (Wix retries for about 47 h). */
  idempotency: { name: "idempotency", partitionKey: "id", ttlAttribute: "expiration" },
} as const;

export type TableKey = keyof typeof TABLES;
export type TableNames = Record<TableKey, string>;

/** Default physical names (local host); AWS passes generated names through the environment. */
export function tableNamesFromEnv(env: Record<string, string | undefined>, prefix = "ews-"): TableNames {
  return {
    state: env.STATE_TABLE ?? `${prefix}${TABLES.state.name}`,
    syncLog: env.SYNC_LOG_TABLE ?? `${prefix}${TABLES.syncLog.name}`,
    idempotency: env.IDEMPOTENCY_TABLE ?? `${prefix}${TABLES.idempotency.name}`,
  };
}
