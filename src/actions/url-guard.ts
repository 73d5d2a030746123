import dns from 'node:dns';
import net from 'node:net';
import { badRequest } from '../errors.js';

// SSRF policy. A webhook URL is chosen by a tenant admin, but the request leaves from our network,
// so by default it may only reach public addresses: loopback, private, link-local (cloud metadata),
// CGNAT, multicast and unspecified ranges are refused. The check runs on the addresses DNS actually
// returns, at connect time (see guardedLookup), so a name that resolves to 10.0.0.5 — or re-resolves
// there after registration — is refused too. WEBHOOK_ALLOWED_HOSTS lists hosts that skip the
// address check (e.g. an internal ticketing system, or 127.0.0.1 in tests).

export interface UrlPolicy {
  /** Lower-case host names or IP literals, or "*.example.com" suffix patterns. */
  allowedHosts: string[];
}

export function hostAllowed(policy: UrlPolicy, host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return policy.allowedHosts.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p));
}

function v4Blocked(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

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
    return v4Blocked(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  }
  // IPv4-translated (::ffff:0:a.b.c.d) and 6to4 (2002:AABB:CCDD::) addresses carry an IPv4 address too.
  if (g.slice(0, 4).every((x) => x === 0) && g[4] === 0xffff && g[5] === 0) return v4Blocked(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`);
  const first = g[0]!;
  if (first === 0x2002) return v4Blocked(`${g[1]! >> 8}.${g[1]! & 255}.${g[2]! >> 8}.${g[2]! & 255}`);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local
    (first & 0xffc0) === 0xfe80 || // link-local
    (first & 0xffc0) === 0xfec0 || // site-local (deprecated, still routed inside some networks)
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x64 && g[1] === 0xff9b) // NAT64
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
  if (!hostAllowed(policy, host) && (host === 'localhost' || host.endsWith('.localhost') || (net.isIP(host) !== 0 && isBlockedAddress(host)))) {
    throw badRequest('url points at a private or loopback address; add the host to WEBHOOK_ALLOWED_HOSTS to allow it', [
      { field: 'url', message: 'address not allowed' },
    ]);
  }
  return url;
}

/** A dns.lookup replacement for http.request that refuses blocked addresses unless the host is allowlisted. */
export function guardedLookup(policy: UrlPolicy, host: string): net.LookupFunction {
  const allowed = hostAllowed(policy, host);
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
