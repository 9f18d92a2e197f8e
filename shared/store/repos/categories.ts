import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** The Wix category id of each ERPNext item group, once known. */
export class CategoryRepository {
  constructor(private readonly table: StateTable) {}

  async get(group: string): Promise<string | undefined> {
    return (await this.table.get<{ id: string }>(keys.category(group)))?.id;
  }

  put(group: string, id: string): Promise<void> {
    return this.table.put(keys.category(group), { id });
  }
}
