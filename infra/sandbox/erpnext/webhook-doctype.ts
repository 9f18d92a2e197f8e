import {
  frappeDoctype,
  isSubmittable,
  mandatoryOf,
  WEBHOOK_FACTS,
  webhookEventAccepted,
} from "#shared/erpnext/frappe-facts";
import type { Doc, Doctype } from "./doctype";
import { FrappeError } from "./errors";
import type { ErpnextSite } from "./site";

/**
 * The Webhook doctype (frappe/integrations/doctype/webhook/webhook.json, webhook.py): named by
 * prompt (the POST carries `name`), System Manager only, `webhook_doctype` and `webhook_docevent`
 * set only once, and webhook.py's `validate`: a submittable doctype for submit/cancel events, a
 * condition that evaluates, a URL with a host, a template that parses, no field twice, a secret
 * when security is on. webhooks.ts sends what these documents describe.
 */

/** ERPNext doctypes the sandbox keeps no documents of, but a Link to DocType may still name. */
const OTHER_DOCTYPES = new Set(["Supplier", "Contact"]);

/** The DocType as a Link to DocType sees it: known, and submittable or not (shared/erpnext/frappe-facts.ts). */
export function doctypeMeta(site: ErpnextSite, name: string): { submittable: boolean } | undefined {
  if (!site.spec(name) && !frappeDoctype(name) && !OTHER_DOCTYPES.has(name)) return undefined;
  return { submittable: isSubmittable(name) };
}

const DOC_EVENTS: readonly string[] = WEBHOOK_FACTS.docEvents;
const SET_ONLY_ONCE: Record<string, string> = { webhook_doctype: "DocType", webhook_docevent: "Doc Event" };

const invalid = (message: string, excType = "ValidationError") => new FrappeError(417, excType, message);

export const webhook: Doctype = {
  name: "Webhook",
  required: mandatoryOf("Webhook"),
  naming: () => {
    throw invalid("Name not set via prompt"); // model/naming.py _prompt_autoname
  },
  roles: ["System Manager"],
  passwords: ["webhook_secret"],
  prepare: (input) => ({ enabled: 1, timeout: 5, request_method: "POST", ...input }),
  validate(doc, site, before) {
    if (before)
      for (const [field, label] of Object.entries(SET_ONLY_ONCE))
        if (doc[field] !== before[field])
          throw invalid(`Value cannot be changed for ${label}`, "CannotChangeConstantError");
    const doctype = String(doc.webhook_doctype);
    const meta = doctypeMeta(site, doctype);
    if (!meta) throw invalid(`Could not find DocType: ${doctype}`, "LinkValidationError");
    const event = String(doc.webhook_docevent ?? "");
    if (event && !DOC_EVENTS.includes(event))
      throw invalid(`Doc Event cannot be "${event}". It should be one of "${DOC_EVENTS.join('", "')}"`);
    if (event && !webhookEventAccepted(doctype, event)) throw invalid(WEBHOOK_FACTS.notSubmittableMessage);
    if (doc.condition) {
      try {
        evalCondition(String(doc.condition), { doctype } as Doc);
      } catch (error) {
        throw invalid(`Invalid Condition: ${(error as Error).message}`);
      }
    }
    if (!URL.parse(String(doc.request_url))?.host) throw invalid("Check Request URL");
    if (doc.request_structure === "JSON" && doc.webhook_json) {
      try {
        renderTemplate(String(doc.webhook_json), { doctype, name: "", modified: "", docstatus: 0 });
      } catch (error) {
        throw invalid(`Syntax error in template: ${(error as Error).message}`);
      }
    }
    const seen = new Set<string>();
    for (const row of (doc.webhook_data as { fieldname?: string }[] | undefined) ?? []) {
      if (row.fieldname && seen.has(row.fieldname)) throw invalid("Same Field is entered more than once");
      if (row.fieldname) seen.add(row.fieldname);
    }
    if (Number(doc.enable_security) && !doc.webhook_secret) throw invalid("Invalid Webhook Secret");
  },
};

/*
 * Just enough Python and Jinja for webhook conditions and templates: `doc.field`, string and
 * number literals, True/False/None, `==`, `!=`, `and`, `or`, `not`, parentheses, and in templates
 * `{{ expr | filter }}` with Jinja's `tojson` and `string`. Anything else is refused, so a Webhook
 * the sandbox accepts means what it says.
 */
type Token = { kind: "str" | "num" | "name" | "op"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\d+(?:\.\d+)?)|([A-Za-z_][\w.]*)|(==|!=|\(|\)|\|))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) throw new Error(`cannot read "${source.slice(at).trim().slice(0, 20)}"`);
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "str", text: m[1].slice(1, -1).replace(/\\(.)/g, "$1") });
    else if (m[2] !== undefined) tokens.push({ kind: "num", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "name", text: m[3] });
    else tokens.push({ kind: "op", text: m[4] as string });
  }
  return tokens;
}

const truthy = (v: unknown) => !(v === null || v === undefined || v === "" || v === 0 || v === false);

/** Parses and evaluates one expression against `doc`; `filters` allows Jinja's `| name`. */
function evaluate(source: string, doc: Doc, filters: boolean): unknown {
  const tokens = tokenize(source);
  let i = 0;
  const peek = () => tokens[i];
  const take = (text?: string) => {
    const t = tokens[i];
    if (!t || (text !== undefined && t.text !== text)) throw new Error(`expected ${text ?? "a value"}`);
    i++;
    return t;
  };
  const atom = (): unknown => {
    const t = take();
    if (t.kind === "str") return t.text;
    if (t.kind === "num") return Number(t.text);
    if (t.kind === "op" && t.text === "(") {
      const v = or();
      take(")");
      return v;
    }
    if (t.kind === "name") {
      if (t.text === "True") return true;
      if (t.text === "False") return false;
      if (t.text === "None") return null;
      const [root, field, ...rest] = t.text.split(".");
      if (root !== "doc" || !field || rest.length) throw new Error(`unknown name ${t.text}`);
      return doc[field] ?? null;
    }
    throw new Error(`unexpected ${t.text}`);
  };
  const compare = (): unknown => {
    const left = atom();
    const op = peek();
    if (op?.kind === "op" && (op.text === "==" || op.text === "!=")) {
      i++;
      const right = atom();
      return op.text === "==" ? left === right : left !== right;
    }
    return left;
  };
  const not = (): unknown => {
    if (peek()?.kind === "name" && peek()?.text === "not") {
      i++;
      return !truthy(not());
    }
    return compare();
  };
  const and = (): unknown => {
    let v = not();
    while (peek()?.text === "and") {
      i++;
      const r = not();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): unknown => {
    let v = and();
    while (peek()?.text === "or") {
      i++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  let value = or();
  while (filters && peek()?.text === "|") {
    i++;
    const name = take().text;
    if (name === "tojson") value = JSON.stringify(value ?? null);
    else if (name === "string") value = pyStr(value);
    else throw new Error(`no filter named '${name}'`);
  }
  if (i < tokens.length) throw new Error(`unexpected ${tokens[i]?.text}`);
  return value;
}

/** Python's str(): None is "None", True is "True". */
const pyStr = (v: unknown) =>
  v === null || v === undefined ? "None" : v === true ? "True" : v === false ? "False" : String(v);

/** A webhook condition (safe_eval in Frappe) against the document. */
export function evalCondition(condition: string, doc: Doc): boolean {
  return truthy(evaluate(condition, doc, false));
}

/** A webhook JSON template (frappe.render_template): `{{ ... }}` blocks only. */
export function renderTemplate(template: string, doc: Doc): string {
  if (/\{%|%\}|\{#/.test(template)) throw new Error("the sandbox renders {{ }} expressions only");
  const rendered = template.replace(/\{\{([\s\S]*?)\}\}/g, (_m, expr: string) =>
    pyStr(evaluate(expr, doc, true)),
  );
  if (rendered.includes("{{") || rendered.includes("}}")) throw new Error("unbalanced {{ }}");
  return rendered;
}
