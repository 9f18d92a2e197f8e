/**
 * The sandbox ERPNext's Item Group tree is a nested set as Frappe keeps it
 * (frappe/utils/nestedset.py): lft/rgt numbered on every save, a descendant within its ancestor.
 */
import { describe, expect, test } from "@jest/globals";
import { ErpnextSandbox } from "#infra/sandbox/erpnext/index";
import { callSandbox } from "./sandbox-call";

describe("sandbox ERPNext Item Group (erpnext/setup/doctype/item_group, a NestedSet)", () => {
  const erp = new ErpnextSandbox({ apiKey: "k", apiSecret: "s" });
  const auth = { authorization: "token k:s" };
  const api = (method: string, path: string, body?: unknown) => callSandbox(erp, method, path, body, auth);
  const group = (name: string, parent: string) =>
    api("POST", "/api/resource/Item Group", { item_group_name: name, parent_item_group: parent });
  const tree = async () => {
    const res = await api("GET", '/api/resource/Item Group?fields=["name","lft","rgt"]&limit_page_length=0');
    const rows = (res.body as { data: { name: string; lft: number; rgt: number }[] }).data;
    return new Map(rows.map((r) => [r.name, r]));
  };
  const within = (t: Map<string, { lft: number; rgt: number }>, node: string, top: string) => {
    const [n, g] = [t.get(node), t.get(top)];
    return Boolean(n && g && n.lft >= g.lft && n.rgt <= g.rgt);
  };

  test("a new group is numbered inside its parent and every ancestor", async () => {
    expect((await group("Drinkware", "All Item Groups")).status).toBe(200);
    expect((await group("Travel Mugs", "Drinkware")).status).toBe(200);
    const t = await tree();
    expect(within(t, "Travel Mugs", "Drinkware")).toBe(true);
    expect(within(t, "Drinkware", "All Item Groups")).toBe(true);
    expect(within(t, "Apparel", "Drinkware")).toBe(false);
    expect(t.get("All Item Groups")).toMatchObject({ lft: 1, rgt: 2 * t.size });
  });

  test("a group moved to another parent leaves its old parent's numbers", async () => {
    expect(
      (await api("PUT", "/api/resource/Item Group/Travel Mugs", { parent_item_group: "Apparel" })).status,
    ).toBe(200);
    const t = await tree();
    expect(within(t, "Travel Mugs", "Apparel")).toBe(true);
    expect(within(t, "Travel Mugs", "Drinkware")).toBe(false);
  });

  test("a group cannot go below its own descendant (validate_loop)", async () => {
    await group("Coffee Mugs", "Drinkware");
    const res = await api("PUT", "/api/resource/Item Group/Drinkware", { parent_item_group: "Coffee Mugs" });
    expect(res.status).toBe(417);
    expect(JSON.stringify(res.body)).toContain("NestedSetRecursionError");
    expect(within(await tree(), "Coffee Mugs", "Drinkware")).toBe(true);
  });
});
