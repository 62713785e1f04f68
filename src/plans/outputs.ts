// k6's own outputs (a plan's `outputs:`, `run --out`): each entry, a k6 `--out` string or a mapping, checked
// and brought to one form. Credentials reach k6 only through its environment, from declared secrets: a URL
// with a user or password in it is refused (k6 logs an output's URL, and it would sit in k6's arguments). Pure.
import { didYouMean, type Finding, type PlanPath } from './diagnostics.js';
import { OUTPUT_TYPES, type OutputEntry } from './output-schema.js';
import { parseTemplate } from './templates.js';

export type OutputType = (typeof OUTPUT_TYPES)[number];

/** One output, as loadctl passes it to k6. */
export interface Output {
  type: OutputType;
  url?: string;
  /** json, csv: as written (relative to the run folder unless absolute). */
  file?: string;
  trendStats?: string[];
  /** k6's environment options, values as written: a value may hold ${secrets.NAME}. */
  env: Record<string, string>;
}

interface TypeInfo {
  takes: 'url' | 'file' | 'nothing';
  /** The environment variables this output reads start with one of these. */
  envPrefixes: readonly string[];
  /** Where a user name and password go instead of the URL. */
  credentials?: readonly [string, string];
}

const OTEL: TypeInfo = { takes: 'nothing', envPrefixes: ['K6_OTEL_', 'OTEL_'] };

export const OUTPUT_INFO: Readonly<Record<OutputType, TypeInfo>> = {
  'experimental-prometheus-rw': {
    takes: 'url',
    envPrefixes: ['K6_PROMETHEUS_RW_'],
    credentials: ['K6_PROMETHEUS_RW_USERNAME', 'K6_PROMETHEUS_RW_PASSWORD'],
  },
  influxdb: {
    takes: 'url',
    envPrefixes: ['K6_INFLUXDB_'],
    credentials: ['K6_INFLUXDB_USERNAME', 'K6_INFLUXDB_PASSWORD'],
  },
  json: { takes: 'file', envPrefixes: [] },
  csv: { takes: 'file', envPrefixes: ['K6_CSV_'] },
  opentelemetry: OTEL,
  'experimental-opentelemetry': OTEL,
};

/** Environment variables that carry a credential: their value must come from a declared secret. */
const CREDENTIAL = /(USERNAME|USER$|PASSWORD|PASSWD|TOKEN|SECRET|BEARER|HEADERS|AUTH|ACCESS_KEY)/;

/**
 * The options k6 v1.8.1 reads, by prefix (from its binary), for a "did you mean" on a misspelt one; names
 * ending in `_` take a suffix (`K6_PROMETHEUS_RW_HEADERS_X-Scope-OrgID`). A name k6 does not know is a
 * warning, not an error: another k6 may know it.
 */
const KNOWN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  K6_INFLUXDB_: [
    'ADDR',
    'CONCURRENT_WRITES',
    'CONSISTENCY',
    'DB',
    'INSECURE',
    'PASSWORD',
    'PAYLOAD_SIZE',
    'PRECISION',
    'PROXY',
    'PUSH_INTERVAL',
    'RETENTION',
    'TAGS_AS_FIELDS',
    'USERNAME',
  ],
  K6_PROMETHEUS_RW_: [
    'BEARER_TOKEN',
    'CLIENT_CERTIFICATE',
    'CLIENT_CERTIFICATE_KEY',
    'HEADERS_',
    'HTTP_HEADERS',
    'INSECURE_SKIP_TLS_VERIFY',
    'PASSWORD',
    'PUSH_INTERVAL',
    'SERVER_URL',
    'SIGV4_ACCESS_KEY',
    'SIGV4_REGION',
    'SIGV4_SECRET_KEY',
    'STALE_MARKERS',
    'TLS_MINIMUM_VERSION',
    'TREND_AS_NATIVE_HISTOGRAM',
    'TREND_STATS',
    'USERNAME',
  ],
  K6_CSV_: ['FILENAME', 'SAVE_INTERVAL', 'TIME_FORMAT'],
  K6_OTEL_: [
    'EXPORTER_PROTOCOL',
    'EXPORTER_TYPE',
    'EXPORT_INTERVAL',
    'FLUSH_INTERVAL',
    'GRPC_EXPORTER_ENDPOINT',
    'GRPC_EXPORTER_INSECURE',
    'HEADERS',
    'HTTP_EXPORTER_ENDPOINT',
    'HTTP_EXPORTER_INSECURE',
    'HTTP_EXPORTER_URL_PATH',
    'METRIC_PREFIX',
    'SERVICE_NAME',
    'SERVICE_VERSION',
    'SINGLE_COUNTER_FOR_RATE',
    'TLS_CERTIFICATE',
    'TLS_CLIENT_CERTIFICATE',
    'TLS_CLIENT_KEY',
    'TLS_INSECURE_SKIP_VERIFY',
  ],
};

function unknownOption(name: string, prefix: string, at: PlanPath): Finding | undefined {
  const known = KNOWN_OPTIONS[prefix];
  if (known === undefined) return undefined;
  const rest = name.slice(prefix.length);
  if (known.some((k) => rest === k || (k.endsWith('_') && rest.startsWith(k) && rest.length > k.length)))
    return undefined;
  const guess = didYouMean(rest, known);
  return {
    severity: 'warning',
    path: at,
    atKey: true,
    message: `${name} is not an option k6 v1.8.1 reads`,
    ...(guess !== undefined ? { hint: `did you mean ${prefix}${guess}?` } : {}),
  };
}

/** The query parameters InfluxDB and others read credentials from. */
const CREDENTIAL_PARAMS = /^(u|p|user|username|password|token|apikey|api_key|access_token)$/i;

const isOutputType = (t: string): t is OutputType => (OUTPUT_TYPES as readonly string[]).includes(t);

export interface NormalizedOutput {
  output?: Output;
  findings: Finding[];
}

function error(path: PlanPath, message: string, hint?: string): Finding {
  return { severity: 'error', path, message, ...(hint !== undefined ? { hint } : {}) };
}

function unknownType(type: string, at: PlanPath): Finding {
  if (type === 'loadctl')
    return error(at, "loadctl's own output is always on: it is not listed under `outputs`");
  const guess = didYouMean(type, OUTPUT_TYPES);
  return error(
    at,
    `unknown output type \`${type}\`; known: ${OUTPUT_TYPES.join(', ')}`,
    guess ? `did you mean \`${guess}\`?` : undefined,
  );
}

function credentialHint(type: OutputType): string {
  const names = OUTPUT_INFO[type].credentials;
  const env = names
    ? `env: { ${names[0]}: '\${secrets.USER}', ${names[1]}: '\${secrets.PASSWORD}' }`
    : "env: { …: '${secrets.NAME}' }";
  return `declare them under \`secrets:\` and pass them as ${env} (docs/outputs.md)`;
}

/** What is wrong with an output's URL: not http(s), credentials in it, or (influxdb) no database. */
export function checkOutputUrl(type: OutputType, text: string): string | undefined {
  if (text.includes('${'))
    return 'the URL is passed to k6 as an argument and may not hold references; credentials go in `env`';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(text)} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'expected an http:// or https:// URL';
  if (url.username !== '' || url.password !== '')
    return 'the URL holds a user name or password, which k6 would log and loadctl would keep in its files';
  if ([...url.searchParams.keys()].some((k) => CREDENTIAL_PARAMS.test(k)))
    return 'the URL holds a credential in its query, which k6 would log and loadctl would keep in its files';
  if (type === 'influxdb' && url.pathname.replace(/\/+$/, '') === '')
    return 'an influxdb URL names the database in its path: http://host:8086/DATABASE';
  return undefined;
}

function checkEnvValue(
  name: string,
  value: string,
  at: PlanPath,
  secrets: readonly string[],
  out: Finding[],
): void {
  const parsed = parseTemplate(value);
  if (!parsed.ok) {
    out.push(error(at, parsed.message, parsed.hint));
    return;
  }
  let fromSecret = false;
  for (const part of parsed.parts) {
    if (!('ref' in part)) continue;
    const ref = part.ref;
    if (ref.ns !== 'secrets') out.push(error(at, "an output's env may only reference ${secrets.NAME}"));
    else {
      fromSecret = true;
      if (!secrets.includes(ref.name))
        out.push(
          error(
            at,
            `secret \`${ref.name}\` is not declared`,
            'add it to `secrets:` so loadctl reads it from the environment',
          ),
        );
    }
  }
  if (CREDENTIAL.test(name) && !fromSecret)
    out.push(
      error(
        at,
        `${name} carries a credential: its value must come from a declared secret, not the plan's text`,
        `declare the secret under \`secrets:\` and write ${name}: '\${secrets.NAME}'`,
      ),
    );
}

function checkEnv(
  type: OutputType,
  env: Record<string, string>,
  at: PlanPath,
  secrets: readonly string[],
  out: Finding[],
): void {
  const prefixes = OUTPUT_INFO[type].envPrefixes;
  for (const [name, value] of Object.entries(env)) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) {
      out.push({
        ...error(
          [...at, name],
          prefixes.length === 0
            ? `the ${type} output reads no environment options`
            : `${name} is not an option of the ${type} output, whose options start with ${prefixes.join(' or ')}`,
        ),
        atKey: true,
      });
      continue;
    }
    const unknown = unknownOption(name, prefix, [...at, name]);
    if (unknown) out.push(unknown);
    checkEnvValue(name, value, [...at, name], secrets, out);
  }
}

/** `type[=arg]`, k6's --out form, as a mapping. */
export function splitOutputText(text: string): { type: string; url?: string; file?: string; arg?: string } {
  const eq = text.indexOf('=');
  const type = (eq < 0 ? text : text.slice(0, eq)).trim();
  const arg = eq < 0 ? undefined : text.slice(eq + 1);
  if (arg === undefined) return { type };
  const takes = isOutputType(type) ? OUTPUT_INFO[type].takes : 'nothing';
  if (takes === 'url') return { type, url: arg };
  if (takes === 'file') return { type, file: arg };
  return { type, arg };
}

function fieldFindings(
  type: OutputType,
  entry: {
    url?: string | undefined;
    file?: string | undefined;
    trendStats?: unknown;
    arg?: string | undefined;
  },
  at: PlanPath,
  textForm: boolean,
): Finding[] {
  const out: Finding[] = [];
  const takes = OUTPUT_INFO[type].takes;
  const field = (name: string) => (textForm ? at : [...at, name]);
  if (entry.arg !== undefined)
    out.push(error(at, `the ${type} output takes nothing after "="`, 'its options go in `env`'));
  if (entry.url !== undefined && takes !== 'url')
    out.push(error(field('url'), `the ${type} output takes no URL${takes === 'file' ? ', a `file`' : ''}`));
  if (entry.file !== undefined && takes !== 'file')
    out.push(error(field('file'), `the ${type} output takes no file`));
  if (takes === 'file' && (entry.file === undefined || entry.file.trim() === ''))
    out.push(
      error(
        at,
        `the ${type} output needs a file`,
        textForm ? `e.g. ${type}=k6.${type}` : `e.g. file: k6.${type}`,
      ),
    );
  if (entry.file?.includes('${')) out.push(error(field('file'), 'the file name may not hold references'));
  if (entry.url !== undefined && takes === 'url') {
    const problem = checkOutputUrl(type, entry.url);
    if (problem !== undefined)
      out.push(
        error(
          field('url'),
          problem,
          problem.includes('user name') || problem.includes('credential') ? credentialHint(type) : undefined,
        ),
      );
  }
  if (entry.trendStats !== undefined && type !== 'experimental-prometheus-rw')
    out.push(error(field('trendStats'), '`trendStats` is an option of experimental-prometheus-rw only'));
  return out;
}

/** One entry of `outputs:` (or one --out, with `at` its own path) in the one form, or what is wrong with it. */
export function normalizeOutput(
  entry: OutputEntry,
  at: PlanPath,
  secrets: readonly string[],
): NormalizedOutput {
  const textForm = typeof entry === 'string';
  const fields = textForm ? splitOutputText(entry) : entry;
  if (!isOutputType(fields.type))
    return { findings: [unknownType(fields.type, textForm ? at : [...at, 'type'])] };
  const type = fields.type;
  const findings = fieldFindings(type, fields, at, textForm);
  const env = textForm
    ? {}
    : Object.fromEntries(Object.entries(entry.env ?? {}).map(([k, v]) => [k, String(v)]));
  if (!textForm) checkEnv(type, env, [...at, 'env'], secrets, findings);
  if (findings.some((f) => f.severity === 'error')) return { findings };
  const trendStats = textForm ? undefined : entry.trendStats;
  return {
    output: {
      type,
      ...(fields.url !== undefined ? { url: fields.url } : {}),
      ...(fields.file !== undefined ? { file: fields.file } : {}),
      ...(trendStats !== undefined ? { trendStats } : {}),
      env,
    },
    findings,
  };
}

/**
 * The environment variables several outputs set: k6 has one environment, so two outputs of a kind share
 * their options, and two values of one variable cannot both hold.
 */
function conflictFindings(outputs: ReadonlyArray<{ output: Output; at: PlanPath }>): Finding[] {
  const seen = new Map<string, string>();
  const out: Finding[] = [];
  for (const { output, at } of outputs) {
    const env = { ...output.env };
    if (output.trendStats !== undefined) {
      if (env.K6_PROMETHEUS_RW_TREND_STATS !== undefined)
        out.push(
          error(
            [...at, 'trendStats'],
            '`trendStats` and env K6_PROMETHEUS_RW_TREND_STATS say the same thing twice',
          ),
        );
      env.K6_PROMETHEUS_RW_TREND_STATS = output.trendStats.join(',');
    }
    if (output.type === 'experimental-prometheus-rw' && output.url !== undefined)
      env.K6_PROMETHEUS_RW_SERVER_URL = output.url;
    for (const [name, value] of Object.entries(env)) {
      const before = seen.get(name);
      if (before !== undefined && before !== value)
        out.push(
          error(
            at,
            `another output sets ${name} to something else; k6 has one environment, so outputs of one kind share their options`,
            'send to one server per output kind',
          ),
        );
      seen.set(name, value);
    }
  }
  return out;
}

/** Every entry of a plan's `outputs:` checked, the conflicts between them too. */
export function checkOutputs(
  entries: readonly OutputEntry[] | undefined,
  secrets: readonly string[],
  at: PlanPath = ['outputs'],
): { outputs: Output[]; findings: Finding[] } {
  const findings: Finding[] = [];
  const ok: Array<{ output: Output; at: PlanPath }> = [];
  (entries ?? []).forEach((entry, i) => {
    const n = normalizeOutput(entry, [...at, i], secrets);
    findings.push(...n.findings);
    if (n.output) ok.push({ output: n.output, at: [...at, i] });
  });
  findings.push(...conflictFindings(ok));
  return { outputs: ok.map((o) => o.output), findings };
}
