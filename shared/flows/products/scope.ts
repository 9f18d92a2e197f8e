import type { Catalog, GroupBounds, SiteScope } from "./catalog";

export type { GroupBounds, SiteScope };

/** Whether `group` is one of `groups` or below one of them in the tree. */
export function inGroups(
  group: string | null | undefined,
  groups: string[],
  tree: Map<string, GroupBounds>,
): boolean {
  if (!group) return false;
  if (groups.includes(group)) return true;
  const own = tree.get(group);
  if (!own) return false;
  return groups.some((name) => {
    const top = tree.get(name);
    return top !== undefined && own.lft >= top.lft && own.rgt <= top.rgt;
  });
}

/** Why a unit (an item, or a template with its variants) is outside the site's item groups. */
export function groupProblem(scope: SiteScope, code: string, catalog: Catalog): string | undefined {
  if (!scope.itemGroups.length) return undefined;
  const item = catalog.templates.get(code)?.template ?? catalog.items.get(code);
  if (!item || inGroups(item.item_group, scope.itemGroups, catalog.groups)) return undefined;
  return `item group ${item.item_group ?? "(none)"} is not among ${scope.itemGroups.join(", ")}`;
}

/** Whether the unit (or one of a template's variants) has any row in the site's price list. */
function listed(scope: SiteScope, code: string, catalog: Catalog): boolean {
  const variants = catalog.templates.get(code)?.variants.map((v) => v.item.item_code) ?? [];
  return [code, ...variants].some((c) => catalog.priceLists.get(c)?.has(scope.priceList));
}

/** Whether the unit is for sale on the site: in ERPNext, listed in its price list, in its groups. */
export function forSale(scope: SiteScope, code: string, catalog: Catalog): boolean {
  const exists = catalog.items.has(code) || catalog.templates.get(code)?.template !== undefined;
  return exists && listed(scope, code, catalog) && !groupProblem(scope, code, catalog);
}

/**
 * Why the site leaves this unit alone, or undefined when the site's usual rules apply. A site
 * leaves alone what is outside its item groups, and what it does not price while another site
 * sells it. An item no site sells stays every site's concern: unpriced, it waits for a price
 * ("Pending") as with one site.
 */
export function notThisSite(
  own: SiteScope,
  sites: SiteScope[],
  code: string,
  catalog: Catalog,
): string | undefined {
  const outside = groupProblem(own, code, catalog);
  if (outside) return outside;
  if (listed(own, code, catalog)) return undefined;
  const seller = sites.find((s) => s.site !== own.site && forSale(s, code, catalog));
  return seller ? `not in price list ${own.priceList} (for sale on ${seller.site})` : undefined;
}

/**
 * The site whose result an Item's status fields show (one Item, several sites): the first site,
 * in the sites file's order, that sells it; else the first whose groups take it; else the first
 * site. Every site decides alike from the same reads, so two sites never overwrite each other's
 * status back and forth; with one site it is that site.
 */
export function statusSite(sites: SiteScope[], code: string, catalog: Catalog): string | undefined {
  return (
    sites.find((s) => forSale(s, code, catalog)) ??
    sites.find((s) => !groupProblem(s, code, catalog)) ??
    sites[0]
  )?.site;
}
