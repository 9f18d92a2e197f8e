import type { Doc } from "./doctype";
import { FrappeError } from "./errors";
import type { ErpnextSite } from "./site";

/**
 * A tree doctype's nested set, as Frappe keeps it (frappe/utils/nestedset.py, NestedSet.on_update
 * -> update_nsm): every save numbers `lft`/`rgt` so that a node's descendants lie within its own
 * numbers, and notes `old_parent`. The sandbox renumbers the whole tree, roots and children in the
 * order they were made: an insert gets the numbers update_add_node gives it (the last child of its
 * parent); after a move the numbers may differ from update_move_node's, the containment does not.
 * A parent below the node itself is refused as validate_loop refuses it.
 */
export function nestedSet(parentField: string): (doc: Doc, site: ErpnextSite) => void {
  return (doc, site) => {
    const table = site.table(doc.doctype);
    const nodes = [...table.values()].map((n) => (n.name === doc.name ? doc : n));
    if (!table.has(doc.name)) nodes.push(doc);
    const numbers = numberTree(nodes, parentField);
    // Refused before anything changes: the node would hang below itself.
    if (!numbers.has(doc))
      throw new FrappeError(417, "NestedSetRecursionError", "Item cannot be added to its own descendants");
    for (const [node, [lft, rgt]] of numbers) Object.assign(node, { lft, rgt });
    doc.old_parent = doc[parentField] || "";
  };
}

/** The numbers of every node reachable from a root (a node in a loop has none). */
function numberTree(nodes: Doc[], parentField: string): Map<Doc, [number, number]> {
  const children = new Map<string, Doc[]>();
  const roots: Doc[] = [];
  for (const node of nodes) {
    const parent = node[parentField];
    if (typeof parent === "string" && parent) children.set(parent, [...(children.get(parent) ?? []), node]);
    else roots.push(node);
  }
  const numbers = new Map<Doc, [number, number]>();
  let next = 1;
  const number = (node: Doc) => {
    const lft = next++;
    for (const child of children.get(node.name) ?? []) number(child);
    numbers.set(node, [lft, next++]);
  };
  for (const root of roots) number(root);
  return numbers;
}

/** Numbers a tree saved before the sandbox kept its nested set (an older snapshot). */
export function renumberTree(site: ErpnextSite, doctype: string, parentField: string): void {
  for (const [node, [lft, rgt]] of numberTree([...site.table(doctype).values()], parentField))
    Object.assign(node, { lft, rgt });
}
