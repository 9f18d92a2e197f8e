import { randomUUID } from "node:crypto";
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_SITE } from "../config/settings";
import type { SyncLogEntry as FlowLogEntry, Outcome } from "../flows/records";
import { scrubDeep } from "../http/redact";
import { batchPut, nowSeconds } from "./dynamo";
import { keys } from "./keys";

export type { Outcome };

/** The sync log is kept per flow: its name (shared/flows/registry.ts). */
export type Flow = string;
/** The flows' entry (shared/flows/records.ts), any flow name. */
export type SyncLogEntry = FlowLogEntry<Flow>;

const RETENTION_DAYS = 30;

/** Append-only log of every sync outcome, one partition per flow and day. */
export class SyncLog {
  /** `site`: every entry names it (several Wix sites on one deployment). */
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly site?: string,
  ) {}

  async write(entry: SyncLogEntry): Promise<void> {
    await this.writeAll([entry]);
  }

  async writeAll(entries: SyncLogEntry[]): Promise<void> {
    const expiresAt = nowSeconds() + RETENTION_DAYS * 86400;
    const items = entries.map((entry) => {
      const at = entry.at ?? new Date().toISOString();
      // A reason may quote an error that echoed a credential.
      return {
        ...keys.syncLogEntry(entry.flow, at, randomUUID().slice(0, 8)),
        ...scrubDeep(entry),
        ...(this.site ? { site: this.site } : {}),
        at,
        expiresAt,
      };
    });
    await batchPut(this.db, this.table, items);
  }

  /**
   * Entries of a flow since a time, oldest first, across day partitions. The table is shared by
   * every site: a site's log reads its own entries only, the default site's also those written
   * before there were sites (no `site`).
   */
  async since(
    flow: Flow,
    since: Date,
    until = new Date(),
  ): Promise<Required<Pick<SyncLogEntry, "at">> & SyncLogEntry[]> {
    const entries: SyncLogEntry[] = [];
    for (let day = startOfDay(since); day <= until; day = new Date(day.getTime() + 86400_000)) {
      let start: Record<string, unknown> | undefined;
      do {
        const res = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: "pk = :pk AND sk >= :since",
            ExpressionAttributeValues: {
              ":pk": keys.syncLogPartition(flow, day),
              ":since": since.toISOString(),
            },
            ExclusiveStartKey: start,
          }),
        );
        start = res.LastEvaluatedKey;
        entries.push(
          ...((res.Items ?? []) as (SyncLogEntry & { site?: string })[]).filter((e) => this.ours(e)),
        );
      } while (start);
    }
    return entries as never;
  }

  private ours(entry: { site?: string }): boolean {
    if (!this.site) return true;
    return entry.site === this.site || (this.site === DEFAULT_SITE && entry.site === undefined);
  }
}

function startOfDay(d: Date): Date {
  return new Date(`${d.toISOString().slice(0, 10)}T00:00:00.000Z`);
}
