import { errorMessage } from "../../errors";
import type { StatusPort, StatusRefusal, StatusUpdate } from "./ports";

/**
 * One batch's status writes: any number of updates per document, merged (later fields win),
 * written once per document when the batch ends, in one call.
 */
export class StatusBatch {
  private readonly pending = new Map<string, StatusUpdate>();

  add(update: StatusUpdate): void {
    const key = `${update.doctype}\u0000${update.name}`;
    const before = this.pending.get(key);
    this.pending.set(key, { ...update, fields: { ...before?.fields, ...update.fields } });
  }

  get size(): number {
    return this.pending.size;
  }

  /**
   * Writes what was gathered and empties the batch. Never throws: a status write must not fail
   * the sync it reports on; what failed is answered (to log and count), and the next outcome of
   * the same document writes it again.
   */
  async flush(port: StatusPort): Promise<{ written: number; failed: StatusRefusal[] }> {
    const updates = [...this.pending.values()];
    this.pending.clear();
    if (!updates.length) return { written: 0, failed: [] };
    let failed: StatusRefusal[];
    try {
      failed = await port.write(updates);
    } catch (error) {
      const reason = errorMessage(error);
      failed = updates.map((u) => ({ doctype: u.doctype, name: u.name, reason }));
    }
    return { written: updates.length - failed.length, failed };
  }
}
