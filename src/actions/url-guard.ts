import dns from 'node:dns';
import net from 'node:net';
import { badRequest } from '../errors.js';

// SSRF policy. A webhook URL is chosen by a tenant admin, but the request leaves from our network,
// so by default it may only reach public addresses: loopback, private, link-local (cloud metadata),
// CGNAT, multicast and unspecified ranges are refused. The check runs on the addresses DNS actually
// returns, at connect time (see guardedLookup), so a name that resolves to 10.0.0.5 — or re-resolves
// there after registration — is refused too. WEBHOOK_ALLOWED_HOSTS lists hosts (optionally host:port)
// that skip the address check (e.g. an internal ticketing system, or 127.0.0.1 in tests); it is
// process-wide, so an entry is open to every tenant's admins.

export interface UrlPolicy {
  /**
   * WEBHOOK_ALLOWED_HOSTS, process-wide (every tenant's webhooks): lower-case host names or IP literals,
   * "*.example.com" suffix patterns, each optionally with a port ("10.0.0.5:8443", "[fd00::5]:443",
   * "*.corp.example:443"). An entry without a port allows every port.
   */
  allowedHosts: string[];
}

interface AllowEntry {
  host: string;
  suffix: boolean;
  port: number | null;
}

/** A host as the URL parser writes it (lower case, IPv4 and IPv6 literals in canonical form), without brackets. */
function canonicalHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  try {
    return new URL(`http://${net.isIPv6(bare) ? `[${bare}]` : bare}/`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return bare;
  }
}

function parseAllowEntry(raw: string): AllowEntry {
  const text = raw.trim().toLowerCase();
  let host = text;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] ? Number(bracketed[2]) : null;
  } else if (!net.isIPv6(text)) {
    // "host:port"; a bare IPv6 literal (several colons) has no port, write "[v6]:port" for one
    const withPort = /^(.*):(\d{1,5})$/.exec(text);
    if (withPort) {
      host = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  const suffix = host.startsWith('*.');
  return { host: suffix ? host.slice(1) : canonicalHost(host), suffix, port };
}

/**
 * Why an entry of WEBHOOK_ALLOWED_HOSTS cannot be what it means, or null. Checked at boot: a URL
 * (http://10.0.0.5:8443), a ";"-separated list or a port past 65535 used to be taken as a host nobody
 * has, and the webhook it was meant for was then refused as "private or loopback" with no hint why.
 */
export function allowEntryProblem(raw: string): string | null {
  const text = raw.trim().toLowerCase();
  if (text.includes('://') || text.includes('/')) return 'is a URL or path; write the host, or host:port';
  if (/[\s;]/.test(text)) return 'holds a space or ";"; separate entries with ","';
  const e = parseAllowEntry(text);
  if (e.port !== null && (e.port < 1 || e.port > 65535)) return `has port ${e.port}, outside 1-65535`;
  const host = e.suffix ? e.host.slice(1) : e.host;
  if (net.isIP(host) !== 0) return null;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    return 'is not a host name, an IP address, [IPv6]:port or *.domain';
  }
  return null;
}

/** The port a URL connects to: its explicit port, else its scheme's default. */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

export function hostAllowed(policy: UrlPolicy, host: string, port: number): boolean {
  const h = canonicalHost(host);
  return policy.allowedHosts.some((raw) => {
    const e = parseAllowEntry(raw);
    if (e.port !== null && e.port !== port) return false;
    return e.suffix ? h.endsWith(e.host) : h === e.host;
  });
}

const v4 = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
/** IANA IPv4 special-purpose and reserved blocks that are not the public internet, as [network, prefix length]. */
const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT shared address space
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (incl. DS-Lite, NAT64 discovery)
  ['192.0.2.0', 24], // TEST-NET-1 (documentation)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
];
const V4_RANGES = V4_BLOCKED.map(([net4, bits]) => ({ base: v4(net4), size: 2 ** (32 - bits) }));

function v4Blocked(ip: string): boolean {
  const n = v4(ip);
  return V4_RANGES.some((r) => n >= r.base && n < r.base + r.size);
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/** Eight 16-bit groups, or null; accepts "::" compression and a trailing dotted IPv4 part. */
function v6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(0, fill)).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

export function isBlockedAddress(ip: string): boolean {
  if (net.isIPv4(ip)) return v4Blocked(ip);
  const g = v6Groups(ip);
  if (!g) return true;
  // IPv4-mapped (::ffff:a.b.c.d, which URL parsing turns into ::ffff:7f00:1) and IPv4-compatible
  // forms reach the IPv4 address they embed, so they get its verdict.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    if (g[5] === 0 && g[6] === 0) return true; // :: and ::1
    return v4Blocked(v4Of(g[6]!, g[7]!));
  }
  // IPv4-translated (::ffff:0:a.b.c.d) and 6to4 (2002:AABB:CCDD::) addresses carry an IPv4 address too.
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return v4Blocked(v4Of(g[6]!, g[7]!));
  const first = g[0]!;
  if (first === 0x2002) return v4Blocked(v4Of(g[1]!, g[2]!));
  // Global unicast is 2000::/3. Everything else is special or unassigned: unique local fc00::/7,
  // link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, NAT64 64:ff9b::/96 and
  // 64:ff9b:1::/48 (whatever IPv4 address they carry), discard-only 100::/64, SRv6 5f00::/16.
  if ((first & 0xe000) !== 0x2000) return true;
  return (
    (first === 0x2001 && g[1]! < 0x200) || // 2001::/23 IETF protocol assignments (Teredo, benchmarking, ORCHID)
    (first === 0x2001 && g[1] === 0x0db8) || // 2001:db8::/32 documentation
    (first === 0x3fff && g[1]! < 0x1000) // 3fff::/20 documentation
  );
}

/** Registration-time check: scheme, no credentials, and a literal address must be allowed. */
export function checkWebhookUrl(raw: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('url is not a valid URL', [{ field: 'url', message: 'invalid URL' }]);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('url must use http or https', [{ field: 'url', message: 'scheme not allowed' }]);
  }
  if (url.username || url.password) {
    throw badRequest('url must not contain credentials; the signature authenticates us', [{ field: 'url', message: 'credentials not allowed' }]);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // a fully qualified name's root dot (localhost.) resolves as the name without it
  const name = host.replace(/\.$/, '');
  if (!hostAllowed(policy, host, portOf(url)) && (name === 'localhost' || name.endsWith('.localhost') || (net.isIP(host) !== 0 && isBlockedAddress(host)))) {
    throw badRequest('url points at a private or loopback address; add the host to WEBHOOK_ALLOWED_HOSTS to allow it', [
      { field: 'url', message: 'address not allowed' },
    ]);
  }
  return url;
}

/** A dns.lookup replacement for http.request that refuses blocked addresses unless the host is allowlisted. */
export function guardedLookup(policy: UrlPolicy, host: string, port: number): net.LookupFunction {
  const allowed = hostAllowed(policy, host, port);
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as dns.LookupAddress[];
      const bad = list.find((a) => isBlockedAddress(a.address));
      if (bad && !allowed) {
        const e = Object.assign(new Error(`refusing to connect to ${bad.address}: not a public address`), { code: 'EADDRBLOCKED' });
        return callback(e, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
