// Webhook URLs must reach the public internet: not this machine, the private network, or a
// cloud's metadata service (SSRF). Checked at subscription and again at every delivery, on the
// addresses the connection actually uses (a name that resolved to a public address yesterday may
// resolve to 127.0.0.1 today: DNS rebinding).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** How names are resolved: node:dns by default; tests inject their own. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * Whether an address is a public unicast one. Everything else is refused: loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the metadata services,
 * fe80::/10), carrier-grade NAT (100.64/10, Alibaba's metadata 100.100.100.200), unspecified,
 * multicast, broadcast, reserved, documentation and the IPv6 forms that carry an IPv4 address.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

export class RefusedUrl extends Error {
  override name = 'RefusedUrl';
}

/** Why a webhook URL is refused, or null: https only (http too when private addresses are allowed), no credentials in it. */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '地址格式不正确';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return '地址须以 https:// 开头';
  if (url.username || url.password) return '地址中不能包含用户名或密码';
  if (url.hash) return '地址中不能包含 #';
  return null;
}

/** The addresses of a URL's host, every one public (or private allowed), else RefusedUrl. */
export async function checkedAddresses(host: string, allowPrivate: boolean, resolve: Resolver): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(bare);
  const addresses = family ? [{ address: bare, family }] : await resolve(bare).catch(() => []);
  if (addresses.length === 0) throw new RefusedUrl(`无法解析域名 ${bare}`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) throw new RefusedUrl(`${bare} 指向内网或本机地址 ${bad.address}`);
  }
  return addresses;
}

/**
 * A `lookup` for http.request that answers only checked addresses: the connection is made to the
 * address that was checked, not to whatever a second resolution says.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver): LookupFunction {
  return (host, options, callback) => {
    checkedAddresses(host, allowPrivate, resolve).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
      },
      (err: Error) => callback(err, '', 4),
    );
  };
}
