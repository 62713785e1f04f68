// Each target of the plan: its name resolves, it is another machine, it accepts connections, its health
// path answers and its certificate holds. Pure, from the probed facts.
import type { Finding, Status } from './finding.js';
import type { DoctorFacts, HttpFacts, TargetFacts, TlsFacts } from './probe.js';

export const CERT_WARN_DAYS = 14;
const DAY_MS = 86_400_000;

type UrlTarget = Extract<TargetFacts, { kind: 'url' }>;

export function isLocal(address: string, localAddresses: readonly string[]): boolean {
  const a = address.replace(/^::ffff:/i, '');
  return a.startsWith('127.') || a === '::1' || a === '0.0.0.0' || a === '::' || localAddresses.includes(a);
}

/** Every URL target whose DNS answered resolves to this machine. */
export function allTargetsLocal(f: DoctorFacts): boolean {
  const urls = f.targets.filter((t) => t.kind === 'url');
  return urls.every((t) => t.dns?.ok === true && t.dns.addresses.every((a) => isLocal(a, f.localAddresses)));
}

/** Some URL target resolves to this machine. */
export function anyTargetLocal(f: DoctorFacts): boolean {
  return f.targets.some(
    (t) =>
      t.kind === 'url' && t.dns?.ok === true && t.dns.addresses.some((a) => isLocal(a, f.localAddresses)),
  );
}

function checkTcp(t: UrlTarget, addresses: readonly string[]): Finding | undefined {
  const tcp = t.tcp;
  if (!tcp) return undefined;
  const base = { id: `target.${t.name}.tcp`, title: `target ${t.name}: TCP connect`, needed: 'connects' };
  const addr = `${addresses[0] ?? t.host}:${t.port}`;
  if (tcp.kind === 'ok') return { ...base, status: 'ok', observed: `${addr} in ${tcp.ms} ms` };
  return {
    ...base,
    status: 'failure',
    observed:
      tcp.kind === 'refused'
        ? `${addr} refused the connection`
        : tcp.kind === 'timeout'
          ? `${addr} did not answer in 5 s`
          : `${addr}: ${tcp.detail}`,
    detail:
      tcp.kind === 'refused'
        ? 'nothing listens on that port'
        : tcp.kind === 'timeout'
          ? 'a firewall drops the packets, or the host is down'
          : 'the connection failed',
    fix: `start the service, or correct the url in the plan; try \`nc -vz ${addresses[0] ?? t.host} ${t.port}\``,
  };
}

function checkHealth(name: string, h: HttpFacts): Finding {
  const status: Status = !h.ok || h.status >= 500 ? 'failure' : h.status >= 400 ? 'warning' : 'ok';
  return {
    id: `target.${name}.health`,
    title: `target ${name}: health`,
    status,
    observed: h.ok ? `GET ${h.url} → ${h.status} in ${h.ms.toFixed(0)} ms` : `GET ${h.url}: ${h.detail}`,
    needed: 'status < 400',
    ...(status === 'ok'
      ? {}
      : {
          detail: 'the service is not healthy: a load test would measure its failures',
          fix: `curl -i ${h.url}   # fix the service, or the healthPath in the plan`,
        }),
  };
}

function checkTls(t: UrlTarget, tls: TlsFacts, probedAt: string): Finding {
  const base = {
    id: `target.${t.name}.tls`,
    title: `target ${t.name}: TLS certificate`,
    needed: `valid ≥ ${CERT_WARN_DAYS} days, trusted`,
  };
  if (!tls.ok)
    return {
      ...base,
      status: 'failure',
      observed: tls.detail,
      fix: `openssl s_client -connect ${t.host}:${t.port} -servername ${t.host} </dev/null`,
    };
  const days = (Date.parse(tls.validTo) - Date.parse(probedAt)) / DAY_MS;
  const left = days < 0 ? `expired ${Math.ceil(-days)} days ago` : `${Math.floor(days)} days`;
  const trust = tls.authorizationError ? `; not trusted: ${tls.authorizationError}` : '';
  const observed = `valid until ${tls.validTo.slice(0, 10)} (${left})${trust}`;
  const status: Status =
    days < 0 ? 'failure' : days < CERT_WARN_DAYS || tls.authorizationError ? 'warning' : 'ok';
  if (status === 'ok') return { ...base, status, observed };
  return {
    ...base,
    status,
    observed,
    detail:
      days < 0
        ? 'k6 fails every request with an x509 error'
        : tls.authorizationError
          ? 'k6 fails every request with an x509 error unless the plan sets http.insecureSkipTLSVerify'
          : 'the certificate expires soon',
    fix: 'renew the certificate on the target',
  };
}

function checkHost(t: UrlTarget, addresses: readonly string[], f: DoctorFacts): Finding {
  const base = { id: `target.${t.name}.host`, title: `target ${t.name}: host`, needed: 'another machine' };
  const local = addresses.filter((a) => isLocal(a, f.localAddresses));
  if (local.length === 0) return { ...base, status: 'ok', observed: 'another machine' };
  return {
    ...base,
    status: 'warning',
    observed: `${local.join(', ')} is this machine`,
    detail: 'the target shares this machine with the load generator: numbers then measure both',
    fix: 'run the target, or loadctl, on another machine',
  };
}

export function checkTarget(t: TargetFacts, f: DoctorFacts): Finding[] {
  const id = `target.${t.name}`;
  const title = `target ${t.name}`;
  if (t.kind === 'demo')
    return [{ id, title, status: 'ok', observed: 'demo service (`loadctl run` starts it)', needed: '–' }];
  if (!t.dns)
    return [
      {
        id: `${id}.url`,
        title,
        status: 'failure',
        observed: t.url,
        needed: 'a valid URL',
        fix: 'correct the url in the plan',
      },
    ];
  const dns = { id: `${id}.dns`, title: `${title}: DNS`, needed: 'resolves' };
  if (!t.dns.ok)
    return [
      {
        ...dns,
        status: 'failure',
        observed: `${t.host}: ${t.dns.detail}`,
        detail: 'the host name does not resolve from this machine',
        fix: `getent hosts ${t.host}   # check the name, or the url in the plan`,
      },
    ];
  const addresses = t.dns.addresses;
  const resolved: Finding = {
    ...dns,
    status: 'ok',
    observed: `${t.host} → ${addresses.join(', ')} (${t.dns.ms.toFixed(0)} ms)`,
  };
  return [
    resolved,
    checkHost(t, addresses, f),
    checkTcp(t, addresses),
    t.http ? checkHealth(t.name, t.http) : undefined,
    t.tls ? checkTls(t, t.tls, f.probedAt) : undefined,
  ].filter((x) => x !== undefined);
}
