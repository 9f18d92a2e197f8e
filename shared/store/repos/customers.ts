import type { CustomerRecord } from "../../flows/orders/ports";
import { keys } from "../keys";
import type { StateTable } from "../state-table";

/** ERPNext Customer and Address names by a hash of their content, so each is created once. */
export class CustomerRepository {
  constructor(private readonly table: StateTable) {}

  getCustomer(key: string): Promise<CustomerRecord | undefined> {
    return this.table.get<CustomerRecord>(keys.customer(key));
  }

  putCustomer(record: CustomerRecord): Promise<void> {
    return this.table.put(keys.customer(record.key), { ...record });
  }

  async getAddress(key: string): Promise<string | undefined> {
    return (await this.table.get<{ name: string }>(keys.address(key)))?.name;
  }

  putAddress(key: string, name: string): Promise<void> {
    return this.table.put(keys.address(key), { name });
  }
}
