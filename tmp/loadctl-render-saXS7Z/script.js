var __LOADCTL_PLAN__ = "{\"version\":1,\"planName\":\"seat-race\",\"targetName\":\"local\",\"baseUrl\":\"http://127.0.0.1:8080\",\"options\":{\"scenarios\":{\"race\":{\"executor\":\"per-vu-iterations\",\"vus\":200,\"iterations\":5,\"maxDuration\":\"1m\"}},\"thresholds\":{\"http_req_failed\":[\"rate<0.01\"],\"http_req_duration{name:reserve}\":[\"p(95)<500\"],\"checks\":[\"rate>0.99\"]},\"summaryTrendStats\":[\"avg\",\"min\",\"med\",\"max\",\"p(90)\",\"p(95)\",\"p(99)\"]},\"headers\":[],\"env\":{\"SCHEDULE_ID\":\"1\",\"RACER_PASSWORD\":\"racer-pass\"},\"secrets\":[],\"scenarioFlows\":{\"race\":\"race\"},\"flows\":{\"race\":{\"headers\":[],\"steps\":[{\"kind\":\"if\",\"condition\":{\"op\":\"truthy\",\"value\":{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"vars\",\"name\":\"token\"}}]},\"negate\":true},\"then\":[{\"kind\":\"http\",\"name\":\"token\",\"method\":\"POST\",\"url\":{\"k\":\"lit\",\"v\":\"/auth/token\"},\"query\":[],\"headers\":[],\"checks\":[{\"name\":\"token: status is 200\",\"matcher\":{\"status\":[200]}}],\"extract\":[[\"token\",{\"json\":[{\"key\":\"token\"}],\"pick\":\"first\"}],[\"userId\",{\"json\":[{\"key\":\"userId\"}],\"pick\":\"first\"}]],\"record\":[],\"tags\":{},\"stopOnFailure\":true,\"needsBody\":true,\"body\":{\"type\":\"json\",\"value\":{\"k\":\"obj\",\"entries\":[[\"username\",{\"k\":\"tpl\",\"parts\":[{\"lit\":\"racer-\"},{\"ref\":{\"ns\":\"vu\"}}]}],[\"password\",{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"env\",\"name\":\"RACER_PASSWORD\"}}]}]]}}}],\"else\":[]},{\"kind\":\"http\",\"name\":\"seats\",\"method\":\"GET\",\"url\":{\"k\":\"lit\",\"v\":\"/reservations/available/seat\"},\"query\":[[\"scheduleId\",{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"env\",\"name\":\"SCHEDULE_ID\"}}]}]],\"headers\":[[\"Authorization\",{\"k\":\"tpl\",\"parts\":[{\"lit\":\"Bearer \"},{\"ref\":{\"ns\":\"vars\",\"name\":\"token\"}}]}]],\"checks\":[{\"name\":\"seats: status is 200\",\"matcher\":{\"status\":[200]}}],\"extract\":[[\"seatId\",{\"json\":[{\"key\":\"seats\"},{\"index\":0},{\"key\":\"seatId\"}],\"pick\":\"first\"}]],\"record\":[],\"tags\":{},\"stopOnFailure\":false,\"needsBody\":true},{\"kind\":\"if\",\"condition\":{\"op\":\"truthy\",\"value\":{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"vars\",\"name\":\"seatId\"}}]},\"negate\":false},\"then\":[{\"kind\":\"http\",\"name\":\"reserve\",\"method\":\"POST\",\"url\":{\"k\":\"lit\",\"v\":\"/reservations\"},\"query\":[],\"headers\":[[\"Authorization\",{\"k\":\"tpl\",\"parts\":[{\"lit\":\"Bearer \"},{\"ref\":{\"ns\":\"vars\",\"name\":\"token\"}}]}]],\"checks\":[{\"name\":\"reserve: status in 201|409\",\"matcher\":{\"status\":[201,409]}}],\"extract\":[],\"record\":[{\"metric\":\"seat_won\",\"when\":{\"status\":[201]}},{\"metric\":\"seat_lost\",\"when\":{\"status\":[409]}}],\"tags\":{},\"stopOnFailure\":false,\"needsBody\":false,\"body\":{\"type\":\"json\",\"value\":{\"k\":\"obj\",\"entries\":[[\"scheduleId\",{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"env\",\"name\":\"SCHEDULE_ID\"}}]}],[\"seatId\",{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"vars\",\"name\":\"seatId\"}}]}],[\"userId\",{\"k\":\"tpl\",\"parts\":[{\"ref\":{\"ns\":\"vars\",\"name\":\"userId\"}}]}]]}},\"expect\":[201,409]}],\"else\":[]}]}},\"metrics\":{\"seat_won\":{\"type\":\"counter\",\"time\":false},\"seat_lost\":{\"type\":\"counter\",\"time\":false}},\"data\":{}}";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getOwnPropSymbols = Object.getOwnPropertySymbols;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __propIsEnum = Object.prototype.propertyIsEnumerable;
var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
var __spreadValues = (a, b) => {
  for (var prop in b || (b = {}))
    if (__hasOwnProp.call(b, prop))
      __defNormalProp(a, prop, b[prop]);
  if (__getOwnPropSymbols)
    for (var prop of __getOwnPropSymbols(b)) {
      if (__propIsEnum.call(b, prop))
        __defNormalProp(a, prop, b[prop]);
    }
  return a;
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod2, isNodeMode, target) => (target = mod2 != null ? __create(__getProtoOf(mod2)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod2 || !mod2.__esModule ? __defProp(target, "default", { value: mod2, enumerable: true }) : target,
  mod2
));
var __toCommonJS = (mod2) => __copyProps(__defProp({}, "__esModule", { value: true }), mod2);

// runtime/entry.ts
var entry_exports = {};
__export(entry_exports, {
  default: () => entry_default,
  handleSummary: () => handleSummary,
  options: () => options,
  setup: () => setup,
  teardown: () => teardown
});
module.exports = __toCommonJS(entry_exports);
var import_data = require("k6/data");
var import_execution2 = __toESM(require("k6/execution"), 1);

// runtime/interpreter.ts
var import_http = __toESM(require("k6/http"), 1);
var import_k6 = require("k6");
var import_execution = __toESM(require("k6/execution"), 1);
var import_metrics = require("k6/metrics");

// runtime/model.ts
var SCRIPT_PLAN_VERSION = 1;

// runtime/values.ts
var hasOwnProperty = Object.prototype.hasOwnProperty;
function hasOwn(obj, key) {
  return hasOwnProperty.call(obj, key);
}
function getOwn(obj, key) {
  return hasOwn(obj, key) ? obj[key] : void 0;
}
function setOwn(obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
var ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
var HEX = "0123456789abcdef";
function randomInt(min, max, random) {
  const lo = Math.ceil(Math.min(min, max));
  const hi = Math.floor(Math.max(min, max));
  return lo + Math.floor(random() * (hi - lo + 1));
}
function randomString(length, random) {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(Math.floor(random() * ALPHANUMERIC.length));
  return out;
}
function randomUuid(random) {
  let out = "";
  for (let i = 0; i < 32; i++) {
    let nibble = Math.floor(random() * 16);
    if (i === 12) nibble = 4;
    if (i === 16) nibble = 8 | nibble & 3;
    out += HEX.charAt(nibble);
    if (i === 7 || i === 11 || i === 15 || i === 19) out += "-";
  }
  return out;
}
function resolveRef(ref, ctx) {
  switch (ref.ns) {
    case "vars":
      return getOwn(ctx.vars, ref.name);
    case "env":
      return ctx.env(ref.name);
    case "secrets":
      return ctx.secret(ref.name);
    case "data":
      return ctx.data(ref.set, ref.column);
    case "vu":
      return ctx.vu();
    case "iter":
      return ctx.iter();
    case "iterInTest":
      return ctx.iterInTest();
    case "scenario":
      return ctx.scenario();
    case "now":
      return ctx.now();
    case "randomInt":
      return randomInt(ref.min, ref.max, ctx.random);
    case "randomUuid":
      return randomUuid(ctx.random);
    case "randomString":
      return randomString(ref.length, ctx.random);
  }
}
function toText(v) {
  var _a;
  if (v === void 0 || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  return (_a = JSON.stringify(v)) != null ? _a : "";
}
function renderParts(parts, ctx) {
  const only = parts.length === 1 ? parts[0] : void 0;
  if (only !== void 0 && "ref" in only) return resolveRef(only.ref, ctx);
  let out = "";
  for (const part of parts) out += "lit" in part ? part.lit : toText(resolveRef(part.ref, ctx));
  return out;
}
function evaluate(value, ctx) {
  switch (value.k) {
    case "lit":
      return value.v;
    case "tpl":
      return renderParts(value.parts, ctx);
    case "obj": {
      const out = {};
      for (const [key, member] of value.entries) setOwn(out, key, evaluate(member, ctx));
      return out;
    }
    case "arr":
      return value.items.map((item) => evaluate(item, ctx));
  }
}
function collectMissingVars(value, vars, out) {
  switch (value.k) {
    case "lit":
      return;
    case "tpl":
      for (const part of value.parts) {
        if ("ref" in part && part.ref.ns === "vars" && getOwn(vars, part.ref.name) === void 0) {
          if (out.indexOf(part.ref.name) < 0) out.push(part.ref.name);
        }
      }
      return;
    case "obj":
      for (const [, member] of value.entries) collectMissingVars(member, vars, out);
      return;
    case "arr":
      for (const item of value.items) collectMissingVars(item, vars, out);
      return;
  }
}
function missingVars(values, vars) {
  const out = [];
  for (const value of values) collectMissingVars(value, vars, out);
  return out;
}
function selectPath(root, path) {
  let nodes = [root];
  for (const segment of path) {
    const next = [];
    for (const node of nodes) {
      if ("all" in segment) {
        if (Array.isArray(node)) for (const item of node) next.push(item);
        else if (isRecord(node)) for (const key of Object.keys(node)) next.push(node[key]);
      } else if ("index" in segment) {
        if (!Array.isArray(node)) continue;
        const i = segment.index < 0 ? node.length + segment.index : segment.index;
        if (i >= 0 && i < node.length) next.push(node[i]);
      } else if (isRecord(node) && hasOwn(node, segment.key)) {
        next.push(node[segment.key]);
      }
    }
    nodes = next;
  }
  return nodes;
}
function hasWildcard(path) {
  return path.some((segment) => "all" in segment);
}
var UNPARSED = {};
var ResponseView = class {
  constructor(res) {
    this.res = res;
    this.parsed = UNPARSED;
  }
  get status() {
    return this.res.status;
  }
  text() {
    return typeof this.res.body === "string" ? this.res.body : "";
  }
  json() {
    if (this.parsed === UNPARSED) {
      try {
        this.parsed = JSON.parse(this.text());
      } catch (e) {
        this.parsed = void 0;
      }
    }
    return this.parsed;
  }
  /** HTTP header names are case-insensitive; k6 canonicalises them, plans may not. */
  header(name) {
    const wanted = name.toLowerCase();
    for (const key of Object.keys(this.res.headers)) {
      if (key.toLowerCase() === wanted) return this.res.headers[key];
    }
    return void 0;
  }
  cookie(name) {
    var _a;
    const jar = hasOwn(this.res.cookies, name) ? this.res.cookies[name] : void 0;
    return (_a = jar == null ? void 0 : jar[0]) == null ? void 0 : _a.value;
  }
  timing(which) {
    return this.res.timings[which];
  }
};
function asFiniteNumber(v) {
  if (typeof v === "number") return isFinite(v) ? v : void 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return isFinite(n) ? n : void 0;
  }
  return void 0;
}
function looseEquals(a, b) {
  const x = asFiniteNumber(a);
  const y = asFiniteNumber(b);
  if (x !== void 0 && y !== void 0) return x === y;
  return toText(a) === toText(b);
}
function truthy(v) {
  if (v === void 0 || v === null || v === false) return false;
  if (typeof v === "number") return v !== 0 && !isNaN(v);
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    return t !== "" && t !== "false" && t !== "0";
  }
  if (Array.isArray(v)) return v.length > 0;
  return true;
}
function evaluateCondition(condition, ctx) {
  if (condition.op === "truthy") return truthy(evaluate(condition.value, ctx)) !== condition.negate;
  const left = evaluate(condition.left, ctx);
  const right = evaluate(condition.right, ctx);
  switch (condition.op) {
    case "==":
      return looseEquals(left, right);
    case "!=":
      return !looseEquals(left, right);
  }
  const x = asFiniteNumber(left);
  const y = asFiniteNumber(right);
  if (x === void 0 || y === void 0) return false;
  switch (condition.op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
  }
}
function compareFound(found, m, ctx) {
  const exists = found.length > 0;
  if (m.exists !== void 0 ? m.exists !== exists : m.equals === void 0 && !exists) return false;
  if (m.equals !== void 0) {
    const expected = evaluate(m.equals, ctx);
    if (!found.some((v) => looseEquals(v, expected))) return false;
  }
  if (m.notEquals !== void 0) {
    const unwanted = evaluate(m.notEquals, ctx);
    if (found.some((v) => looseEquals(v, unwanted))) return false;
  }
  return true;
}
function matchResponse(m, res, ctx) {
  if (m.status !== void 0 && m.status.indexOf(res.status) < 0) return false;
  if (m.durationBelowMs !== void 0 && !(res.timing("duration") < m.durationBelowMs)) return false;
  if (m.bodyContains !== void 0 && res.text().indexOf(m.bodyContains) < 0) return false;
  if (m.json !== void 0) {
    const found = selectPath(res.json(), m.json).filter((v) => v !== void 0);
    if (!compareFound(found, m, ctx)) return false;
  }
  if (m.header !== void 0) {
    const value = res.header(m.header);
    if (m.json !== void 0) return value !== void 0;
    if (!compareFound(value === void 0 ? [] : [value], m, ctx)) return false;
  }
  return true;
}
function isExpectedStatus(expect, status) {
  return expect !== void 0 ? expect.indexOf(status) >= 0 : status >= 200 && status < 400;
}
var regexCache = {};
function compileRegex(source) {
  let re = getOwn(regexCache, source);
  if (re === void 0) {
    re = new RegExp(source);
    setOwn(regexCache, source, re);
  }
  return re;
}
function extract(ex, res, random) {
  if ("json" in ex) {
    const nodes = selectPath(res.json(), ex.json);
    if (!hasWildcard(ex.json)) return nodes[0];
    switch (ex.pick) {
      case "first":
        return nodes[0];
      case "last":
        return nodes[nodes.length - 1];
      case "random":
        return nodes.length > 0 ? nodes[Math.floor(random() * nodes.length)] : void 0;
      case "all":
        return nodes;
    }
  }
  if ("header" in ex) return res.header(ex.header);
  if ("cookie" in ex) return res.cookie(ex.cookie);
  const match = compileRegex(ex.regex).exec(res.text());
  if (match === null) return void 0;
  const group2 = typeof ex.group === "number" ? ex.group : match.length > 1 ? 1 : 0;
  return match[group2];
}
function toFiniteNumber(v) {
  if (typeof v === "boolean") return v ? 1 : 0;
  return asFiniteNumber(v);
}
function recordValue(value, res, ctx) {
  switch (value.k) {
    case "timing":
      return res.timing(value.timing);
    case "status":
      return res.status;
    default:
      return evaluate(value, ctx);
  }
}
function recordSample(rec, type, res, ctx) {
  const matched = rec.when === void 0 || matchResponse(rec.when, res, ctx);
  if (type === "rate") {
    if (rec.when !== void 0) return matched;
    return rec.value === void 0 ? true : truthy(recordValue(rec.value, res, ctx));
  }
  if (!matched) return void 0;
  return rec.value === void 0 ? 1 : toFiniteNumber(recordValue(rec.value, res, ctx));
}
var ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
function resolveBaseUrl(override, planBaseUrl) {
  const base = override !== void 0 && override !== "" ? override : planBaseUrl;
  return base.replace(/\/+$/, "");
}
function joinUrl(baseUrl, pathOrUrl) {
  if (ABSOLUTE_URL.test(pathOrUrl)) return pathOrUrl;
  if (pathOrUrl === "") return baseUrl;
  return baseUrl + (pathOrUrl.charAt(0) === "/" || pathOrUrl.charAt(0) === "?" ? "" : "/") + pathOrUrl;
}
function appendQuery(url, query) {
  if (query.length === 0) return url;
  const hashAt = url.indexOf("#");
  const head = hashAt < 0 ? url : url.slice(0, hashAt);
  const hash = hashAt < 0 ? "" : url.slice(hashAt);
  const encoded = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  const last = head.charAt(head.length - 1);
  const sep = head.indexOf("?") < 0 ? "?" : last === "?" || last === "&" ? "" : "&";
  return head + sep + encoded + hash;
}
function mergeHeaders(layers) {
  const byLower = {};
  const order = [];
  for (const layer of layers) {
    for (const [name, value] of layer) {
      const lower = name.toLowerCase();
      if (!hasOwn(byLower, lower)) order.push(lower);
      setOwn(byLower, lower, [name, value]);
    }
  }
  const out = {};
  for (const lower of order) {
    const entry = byLower[lower];
    if (entry !== void 0) setOwn(out, entry[0], entry[1]);
  }
  return out;
}
function hasHeader(headers, name) {
  const wanted = name.toLowerCase();
  return Object.keys(headers).some((key) => key.toLowerCase() === wanted);
}
function bodyValues(body) {
  if (body === void 0) return [];
  return body.type === "form" ? body.fields.map(([, v]) => v) : [body.value];
}
function evaluateHeaders(headers, ctx) {
  const out = [];
  for (const [name, value] of headers) {
    if (missingVars([value], ctx.vars).length === 0) out.push([name, toText(evaluate(value, ctx))]);
  }
  return out;
}
function buildRequest(step, shared, ctx) {
  var _a, _b, _c, _d;
  const missing = missingVars(
    [step.url, ...step.query.map(([, v]) => v), ...bodyValues(step.body)],
    ctx.vars
  );
  if (missing.length > 0) return { ok: false, missingVars: missing };
  const url = appendQuery(
    joinUrl(shared.baseUrl, toText(evaluate(step.url, ctx))),
    step.query.map(([k, v]) => [k, toText(evaluate(v, ctx))])
  );
  const headers = mergeHeaders([
    evaluateHeaders(shared.planHeaders, ctx),
    evaluateHeaders(shared.flowHeaders, ctx),
    evaluateHeaders(step.headers, ctx)
  ]);
  let body = null;
  if (((_a = step.body) == null ? void 0 : _a.type) === "json") {
    body = (_b = JSON.stringify(evaluate(step.body.value, ctx))) != null ? _b : "null";
    if (!hasHeader(headers, "content-type")) setOwn(headers, "Content-Type", "application/json");
  } else if (((_c = step.body) == null ? void 0 : _c.type) === "form") {
    const fields = {};
    for (const [k, v] of step.body.fields) setOwn(fields, k, toText(evaluate(v, ctx)));
    body = fields;
  } else if (((_d = step.body) == null ? void 0 : _d.type) === "raw") {
    body = toText(evaluate(step.body.value, ctx));
  }
  return { ok: true, request: { method: step.method, url, body, headers } };
}
function thinkSeconds(think, random) {
  return think.min + (think.max - think.min) * random();
}
function mod(a, n) {
  return (a % n + n) % n;
}
function pickRowIndex(mode, rows, at) {
  if (rows <= 0) return -1;
  switch (mode) {
    case "unique":
      return mod(at.vu - 1, rows);
    case "sequential":
      return mod(at.iterInTest, rows);
    case "random":
      return Math.floor(at.random() * rows);
  }
}
function resolveFlowName(plan2, scenario) {
  const mapped = getOwn(plan2.scenarioFlows, scenario);
  if (typeof mapped === "string") return mapped;
  const names = [];
  for (const key of Object.keys(plan2.scenarioFlows)) {
    const name = plan2.scenarioFlows[key];
    if (name !== void 0 && names.indexOf(name) < 0) names.push(name);
  }
  return names.length === 1 ? names[0] : void 0;
}
function forEachStep(steps, visit) {
  for (const step of steps) {
    visit(step);
    if (step.kind === "group") forEachStep(step.steps, visit);
    else if (step.kind === "if") {
      forEachStep(step.then, visit);
      forEachStep(step.else, visit);
    }
  }
}
function planFlows(plan2) {
  const flows = Object.keys(plan2.flows).map((name) => {
    const flow = plan2.flows[name];
    return [`flows.${name}`, { steps: flow === void 0 ? [] : flow.steps }];
  });
  if (plan2.setup !== void 0) flows.push(["setup", plan2.setup]);
  if (plan2.teardown !== void 0) flows.push(["teardown", plan2.teardown]);
  return flows;
}
function validateScriptPlan(plan2) {
  const problems2 = [];
  if (plan2.version !== SCRIPT_PLAN_VERSION) {
    problems2.push(
      `script plan version ${String(plan2.version)} is not ${SCRIPT_PLAN_VERSION}: re-render the script`
    );
    return problems2;
  }
  for (const scenario of Object.keys(plan2.scenarioFlows)) {
    const flow = plan2.scenarioFlows[scenario];
    if (flow === void 0 || !hasOwn(plan2.flows, flow)) {
      problems2.push(`scenario "${scenario}" runs flow "${String(flow)}", which the script does not contain`);
    }
  }
  for (const [where, flow] of planFlows(plan2)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind !== "http") return;
      for (const rec of step.record) {
        if (!hasOwn(plan2.metrics, rec.metric)) {
          problems2.push(`${where}: step "${step.name}" records into undeclared metric "${rec.metric}"`);
        }
      }
      for (const [, ex] of step.extract) {
        if ("regex" in ex) {
          try {
            new RegExp(ex.regex);
          } catch (e) {
            problems2.push(`${where}: step "${step.name}" has an invalid regex /${ex.regex}/`);
          }
        }
      }
    });
  }
  return problems2;
}
function parseCsv(text, delimiter = ",", source = "CSV") {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new Error(
      `${source}: the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`
    );
  }
  const src = text.charCodeAt(0) === 65279 ? text.slice(1) : text;
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 1;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = "";
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (src.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      quoteLine = line;
    } else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src.charAt(i + 1) === "\n") i++;
      line++;
      endRow();
    } else {
      field += c;
    }
    i++;
  }
  if (quoted) throw new Error(`${source}: the quoted field opened on line ${quoteLine} is never closed`);
  if (field !== "" || row.length > 0) endRow();
  return rows;
}
function parseCsvRecords(text, delimiter = ",", source = "CSV") {
  var _a, _b;
  const rows = parseCsv(text, delimiter, source);
  const header = ((_a = rows[0]) != null ? _a : []).map((name) => name.trim());
  const records = [];
  for (let r = 1; r < rows.length; r++) {
    const row = (_b = rows[r]) != null ? _b : [];
    const record = {};
    header.forEach((name, c) => {
      var _a2;
      return setOwn(record, name, (_a2 = row[c]) != null ? _a2 : "");
    });
    records.push(record);
  }
  return records;
}

// runtime/interpreter.ts
function createMetric(name, def) {
  switch (def.type) {
    case "counter":
      return new import_metrics.Counter(name);
    case "rate":
      return new import_metrics.Rate(name);
    case "trend":
      return new import_metrics.Trend(name, def.time);
    case "gauge":
      return new import_metrics.Gauge(name, def.time);
  }
}
function createRuntime(plan2, data) {
  const metrics = {};
  for (const name of Object.keys(plan2.metrics)) {
    const def = plan2.metrics[name];
    if (def !== void 0) setOwn(metrics, name, { type: def.type, metric: createMetric(name, def) });
  }
  const expected = /* @__PURE__ */ new Map();
  for (const [, flow] of planFlows(plan2)) {
    forEachStep(flow.steps, (step) => {
      if (step.kind === "http" && step.expect !== void 0 && !expected.has(step)) {
        expected.set(step, import_http.default.expectedStatuses(...step.expect));
      }
    });
  }
  return {
    plan: plan2,
    baseUrl: resolveBaseUrl(__ENV.LOADCTL_BASE_URL, plan2.baseUrl),
    metrics,
    data,
    expected,
    aborted: new import_metrics.Counter("loadctl_flow_aborted")
  };
}
function missingSecrets(plan2) {
  return plan2.secrets.filter((name) => !__ENV[name]);
}
function secretMessage(names) {
  const list = names.map((n) => `"${n}"`).join(", ");
  return names.length === 1 ? `loadctl: secret ${list} is not set: export that environment variable before running` : `loadctl: secrets ${list} are not set: export these environment variables before running`;
}
function createContext(rt2, vars, phase) {
  const inScenario = phase === "iteration";
  const iterInTest = () => inScenario ? import_execution.default.scenario.iterationInTest : 0;
  const rows = {};
  const row = (set) => {
    var _a, _b;
    if (!hasOwn(rows, set)) {
      const ds = getOwn(rt2.data, set);
      const at = { vu: import_execution.default.vu.idInTest, iterInTest: iterInTest(), random: Math.random };
      const index = ds === void 0 ? -1 : pickRowIndex(ds.mode, ds.rows.length, at);
      setOwn(rows, set, (_a = ds == null ? void 0 : ds.rows[index]) != null ? _a : null);
    }
    return (_b = rows[set]) != null ? _b : null;
  };
  return {
    vars,
    env: (name) => {
      var _a;
      return (_a = __ENV[name]) != null ? _a : getOwn(rt2.plan.env, name);
    },
    secret: (name) => {
      const value = __ENV[name];
      if (!value) throw new Error(secretMessage([name]));
      return value;
    },
    data: (set, column) => {
      const r = row(set);
      return r === null ? void 0 : getOwn(r, column);
    },
    vu: () => import_execution.default.vu.idInTest,
    iter: () => import_execution.default.vu.iterationInScenario,
    iterInTest,
    scenario: () => inScenario ? import_execution.default.scenario.name : phase,
    now: () => Date.now(),
    random: Math.random
  };
}
function pause(think) {
  if (think === void 0) return;
  const seconds = thinkSeconds(think, Math.random);
  if (seconds > 0) (0, import_k6.sleep)(seconds);
}
function runFlow(rt2, flow, vars, phase) {
  const it = { rt: rt2, flow, vars, ctx: createContext(rt2, vars, phase) };
  runSteps(it, flow.steps);
  pause(flow.think);
  return vars;
}
function runSteps(it, steps) {
  for (const step of steps) {
    if (!runStep(it, step)) return false;
  }
  return true;
}
function runStep(it, step) {
  switch (step.kind) {
    case "http":
      return runHttp(it, step);
    case "group":
      return (0, import_k6.group)(step.name, () => runSteps(it, step.steps));
    case "if":
      return runSteps(it, evaluateCondition(step.condition, it.ctx) ? step.then : step.else);
    case "sleep":
      pause(step.think);
      return true;
    case "set":
      for (const [name, value] of step.values) setOwn(it.vars, name, evaluate(value, it.ctx));
      return true;
  }
}
function runHttp(it, step) {
  const { rt: rt2, ctx } = it;
  const built = buildRequest(
    step,
    { baseUrl: rt2.baseUrl, planHeaders: rt2.plan.headers, flowHeaders: it.flow.headers },
    ctx
  );
  if (!built.ok) {
    rt2.aborted.add(1, { name: step.name, reason: "missing_var" });
    return false;
  }
  const { method, url, body, headers } = built.request;
  const params = {
    headers,
    tags: __spreadValues({ name: step.name }, step.tags),
    // Discarding unread bodies saves the load generator memory and CPU.
    responseType: step.needsBody ? "text" : "none"
  };
  if (step.timeout !== void 0) params.timeout = step.timeout;
  const callback = rt2.expected.get(step);
  if (callback !== void 0) params.responseCallback = callback;
  const res = new ResponseView(import_http.default.request(method, url, body, params));
  let passed = true;
  if (step.checks.length > 0) {
    const checkers = {};
    for (const c of step.checks)
      setOwn(checkers, c.name, (r) => matchResponse(c.matcher, r, ctx));
    passed = (0, import_k6.check)(res, checkers, { name: step.name });
  }
  for (const [name, ex] of step.extract) setOwn(it.vars, name, extract(ex, res, Math.random));
  for (const rec of step.record) {
    const target = getOwn(rt2.metrics, rec.metric);
    if (target === void 0) continue;
    const sample = recordSample(rec, target.type, res, ctx);
    if (sample !== void 0) target.metric.add(sample, { name: step.name });
  }
  if (step.stopOnFailure && (!passed || !isExpectedStatus(step.expect, res.status))) return false;
  pause(step.think);
  return true;
}

// runtime/entry.ts
var plan = JSON.parse(__LOADCTL_PLAN__);
var problems = validateScriptPlan(plan);
if (problems.length > 0) {
  throw new Error(`loadctl: this script's plan is inconsistent:
  ${problems.join("\n  ")}`);
}
function loadDataSets() {
  const data = {};
  for (const name of Object.keys(plan.data)) {
    const ds = plan.data[name];
    if (ds === void 0) continue;
    const rows = new import_data.SharedArray(
      `loadctl:data:${name}`,
      () => parseCsvRecords(open(ds.file), ds.delimiter, `loadctl: data set "${name}" (${ds.file})`)
    );
    setOwn(data, name, { mode: ds.mode, rows });
  }
  return data;
}
var rt = createRuntime(plan, loadDataSets());
var options = plan.options;
function copyVars(setupData) {
  const vars = {};
  if (typeof setupData === "object" && setupData !== null) {
    for (const key of Object.keys(setupData)) setOwn(vars, key, getOwn(setupData, key));
  }
  return vars;
}
function setup() {
  const missing = missingSecrets(plan);
  if (missing.length > 0) throw new Error(secretMessage(missing));
  return plan.setup === void 0 ? {} : runFlow(rt, plan.setup, {}, "setup");
}
var flowsByScenario = {};
function flowOf(scenario) {
  var _a;
  let flow = getOwn(flowsByScenario, scenario);
  if (flow === void 0) {
    const name = resolveFlowName(plan, scenario);
    flow = name === void 0 ? null : (_a = getOwn(plan.flows, name)) != null ? _a : null;
    setOwn(flowsByScenario, scenario, flow);
  }
  return flow;
}
var vuVars;
function entry_default(setupData) {
  const scenario = import_execution2.default.scenario.name;
  const flow = flowOf(scenario);
  if (flow === null) {
    import_execution2.default.test.abort(
      `loadctl: scenario "${scenario}" has no flow in this script (scenarios: ${Object.keys(plan.scenarioFlows).join(", ")})`
    );
    return;
  }
  vuVars != null ? vuVars : vuVars = copyVars(setupData);
  runFlow(rt, flow, vuVars, "iteration");
}
function teardown(setupData) {
  if (plan.teardown !== void 0) runFlow(rt, plan.teardown, copyVars(setupData), "teardown");
}
function handleSummary(data) {
  const exportTo = plan.summaryExport;
  const path = exportTo === void 0 ? void 0 : __ENV[exportTo.envVar];
  if (path === void 0 || path === "") return void 0;
  const kept = {};
  for (const key of Object.keys(data)) if (key !== "setup_data") setOwn(kept, key, data[key]);
  return { [path]: JSON.stringify(kept) };
}
