/**
 * Where a merchant webhook may be sent: the SSRF guard (docs/webhooks.md, "Limits"). A URL is
 * checked when it is registered (scheme, port, credentials, a literal address, a name that can only
 * be internal) and again at every delivery, after its name is resolved: every address the resolver
 * answers must be a public unicast address, and the connection goes to the address that was checked
 * (the transport's `lookup` answers it), so a name that answers differently a moment later cannot
 * steer the request inside (DNS rebinding).
 *
 * Addresses are read in every form the WHATWG URL parser and the resolver can give: IPv4 as one
 * decimal, octal or hex number or as dotted parts of those (`2130706433`, `0177.0.0.1`, `0x7f.1`),
 * IPv6 with an embedded IPv4 (`::ffff:127.0.0.1`), compressed or not.
 *
 * @example
 * ```ts
 * webhookUrlProblem('https://shop.example.com/hooks', STRICT); // undefined: fine
 * webhookUrlProblem('https://0x7f.1/', STRICT);                // 'must not be a loopback address (127.0.0.1)'
 * const target = await resolveTarget(new URL(url), { resolver, allowance: STRICT });
 * ```
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** What a deployment allows beyond public HTTPS on 443: only `npm start` sets `local`. */
export interface TargetAllowance {
  /** Plain `http://`, any port, loopback addresses (127.0.0.0/8, ::1) and `localhost`. */
  readonly local: boolean;
}

/** The AWS deployment's allowance: public HTTPS addresses on port 443 only. */
export const STRICT: TargetAllowance = { local: false };

/** One answer of a name lookup. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (injected in tests). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The system resolver (getaddrinfo), every address, in the order it answers. */
export const systemResolver: Resolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** A delivery target that passed the guard: connect to `address`, name `hostname` (SNI, Host). */
export interface CheckedTarget {
  readonly url: URL;
  readonly hostname: string;
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

/** The target was refused: the reason names the rule (never sent anywhere). */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/** Longest webhook URL accepted. */
export const MAX_URL_LENGTH = 2_048;

/** Names that can only be internal, whatever they resolve to (RFC 6761, 6762, 8375; ICANN). */
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

interface Range {
  readonly base: bigint;
  readonly bits: number;
  readonly why: string;
}

function v4(cidr: string, why: string): Range {
  const [address = '', bits = '32'] = cidr.split('/');
  const value = parseIPv4(address);
  if (value === undefined) throw new Error(`bad range ${cidr}`);
  return { base: value, bits: Number(bits), why };
}

function v6(cidr: string, why: string): Range {
  const [address = '', bits = '128'] = cidr.split('/');
  const value = parseIPv6(address);
  if (value === undefined) throw new Error(`bad range ${cidr}`);
  return { base: value, bits: Number(bits), why };
}

/** IPv4 addresses a webhook never goes to (IANA special-purpose registry), most specific first. */
const IPV4_REFUSED: readonly Range[] = [
  v4('255.255.255.255/32', 'a broadcast address'),
  v4('0.0.0.0/8', 'a "this network" address'),
  v4('10.0.0.0/8', 'a private address'),
  v4('100.64.0.0/10', 'a CGNAT (shared address space) address'),
  v4('127.0.0.0/8', 'a loopback address'),
  v4('169.254.0.0/16', 'a link-local address'),
  v4('172.16.0.0/12', 'a private address'),
  v4('192.0.0.0/24', 'an IETF protocol assignment'),
  v4('192.0.2.0/24', 'a documentation address'),
  v4('192.88.99.0/24', 'a 6to4 relay address'),
  v4('192.168.0.0/16', 'a private address'),
  v4('198.18.0.0/15', 'a benchmarking address'),
  v4('198.51.100.0/24', 'a documentation address'),
  v4('203.0.113.0/24', 'a documentation address'),
  v4('224.0.0.0/4', 'a multicast address'),
  v4('240.0.0.0/4', 'a reserved address'),
];

/** IPv6 addresses a webhook never goes to; anything outside 2000::/3 is refused as well. */
const IPV6_REFUSED: readonly Range[] = [
  v6('::/128', 'the unspecified address'),
  v6('::1/128', 'a loopback address'),
  v6('::ffff:0:0/96', 'an IPv4-mapped IPv6 address'),
  v6('::ffff:0:0:0/96', 'an IPv4-translated IPv6 address'),
  v6('::/96', 'an IPv4-compatible IPv6 address'),
  v6('64:ff9b::/96', 'a NAT64 address'),
  v6('64:ff9b:1::/48', 'a local-use NAT64 address'),
  v6('100::/64', 'a discard-only address'),
  v6('2001::/32', 'a Teredo address'),
  v6('2001::/23', 'an IETF protocol assignment'),
  v6('2001:db8::/32', 'a documentation address'),
  v6('3fff::/20', 'a documentation address'),
  v6('2002::/16', 'a 6to4 address'),
  v6('fc00::/7', 'a unique local address'),
  v6('fe80::/10', 'a link-local address'),
  v6('fec0::/10', 'a site-local address'),
  v6('ff00::/8', 'a multicast address'),
];
const GLOBAL_UNICAST = v6('2000::/3', '');

const inRange = (value: bigint, range: Range, width: number) =>
  value >> BigInt(width - range.bits) === range.base >> BigInt(width - range.bits);

/**
 * An IPv4 address in any form the WHATWG URL parser accepts: one to four parts, each decimal,
 * octal (leading 0) or hex (0x), the last filling the remaining bytes. Undefined if it is not one.
 */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.at(-1) === '' && parts.length > 1) parts.pop();
  if (parts.length === 0 || parts.length > 4) return undefined;
  const numbers: bigint[] = [];
  for (const part of parts) {
    let n: bigint;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) n = part.length === 2 ? 0n : BigInt(part);
    else if (/^0[0-7]+$/.test(part)) n = BigInt(`0o${part.slice(1)}`);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) n = BigInt(part);
    else return undefined;
    numbers.push(n);
  }
  const last = numbers.pop() ?? 0n;
  if (numbers.some((n) => n > 255n)) return undefined;
  if (last >= 256n ** BigInt(4 - numbers.length)) return undefined;
  let value = last;
  numbers.forEach((n, i) => {
    value += n << BigInt(8 * (3 - i));
  });
  return value;
}

/** An IPv6 address (brackets and a zone id refused) as a 128-bit number, or undefined. */
export function parseIPv6(text: string): bigint | undefined {
  if (isIP(text) !== 6 || text.includes('%')) return undefined;
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const missing = 8 - l.length - r.length;
  if (missing < 0 || (right === undefined && missing !== 0)) return undefined;
  const all = [...l, ...Array<string>(missing).fill('0'), ...r];
  let value = 0n;
  for (const group of all) value = (value << 16n) | BigInt(`0x${group || '0'}`);
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return value;
}

const dotted = (value: bigint) =>
  [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');

/**
 * Why a webhook must not be sent to this address (any IPv4 or IPv6 form), or undefined when it is
 * a public unicast address (or a loopback one the allowance lets through).
 */
export function addressProblem(address: string, allowance: TargetAllowance): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const four = bare.includes(':') ? undefined : parseIPv4(bare);
  if (four !== undefined) {
    const hit = IPV4_REFUSED.find((range) => inRange(four, range, 32));
    if (hit === undefined) return undefined;
    if (allowance.local && hit.why === 'a loopback address') return undefined;
    return `must not be ${hit.why} (${dotted(four)})`;
  }
  const six = parseIPv6(bare);
  if (six === undefined) return `is not an IP address (${JSON.stringify(address.slice(0, 64))})`;
  if (allowance.local && six === 1n) return undefined;
  const hit = IPV6_REFUSED.find((range) => inRange(six, range, 128));
  if (hit) return `must not be ${hit.why} (${bare})`;
  if (!inRange(six, GLOBAL_UNICAST, 128)) return `must be a global unicast address (${bare})`;
  return undefined;
}

/** Whether a URL host (as `URL#hostname` gives it) is an IP literal. */
const isLiteral = (hostname: string) =>
  (hostname.startsWith('[') && hostname.endsWith(']')) || isIP(hostname) !== 0;

/**
 * Why this URL cannot be a webhook endpoint, or undefined. Checked at registration and at every
 * delivery: an absolute `https://` URL (also `http://` with the local allowance) without user
 * info or fragment, on port 443 (any port locally), whose host is not a refused address in any
 * numeric form and not a name that can only be internal.
 */
export function webhookUrlProblem(text: string, allowance: TargetAllowance): string | undefined {
  if (text.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://shop.example.com/payon/webhooks';
  }
  if (url.protocol !== 'https:' && !(allowance.local && url.protocol === 'http:')) {
    return allowance.local ? 'must be an https:// or http:// URL' : 'must be an https:// URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  if (url.hash !== '' || text.includes('#')) return 'must not have a #fragment';
  if (!allowance.local && url.port !== '') return 'must use the default HTTPS port (443)';
  const hostname = url.hostname;
  if (isLiteral(hostname)) return addressProblem(hostname, allowance);
  const name = hostname.replace(/\.$/, '');
  if (name === 'localhost' || INTERNAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return allowance.local && (name === 'localhost' || name.endsWith('.localhost'))
      ? undefined
      : `must not name an internal host (${name})`;
  }
  if (!name.includes('.')) return `must name a host with a domain (${name})`;
  return undefined;
}

/**
 * Resolves the URL's host and checks every address it answers; the first one is the one to
 * connect to. A name with any refused address is refused as a whole: getaddrinfo's order is not a
 * promise, and a name that also answers a public address must not be a way in.
 *
 * @throws {TargetRefusedError} naming the rule; a name that does not resolve is refused too.
 */
export async function resolveTarget(
  url: URL,
  { resolver, allowance }: { readonly resolver: Resolver; readonly allowance: TargetAllowance },
): Promise<CheckedTarget> {
  const problem = webhookUrlProblem(url.href, allowance);
  if (problem) throw new TargetRefusedError(`the URL ${problem}`);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let answers: readonly ResolvedAddress[];
  if (isIP(hostname) !== 0) {
    answers = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      answers = await resolver(hostname);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new TargetRefusedError(
        `the host ${hostname} does not resolve (${typeof code === 'string' ? code : 'no answer'})`,
      );
    }
  }
  if (answers.length === 0) throw new TargetRefusedError(`the host ${hostname} has no address`);
  for (const answer of answers) {
    const refused = addressProblem(answer.address, allowance);
    if (refused)
      throw new TargetRefusedError(`the host ${hostname} resolves to an address that ${refused}`);
    if (isIP(answer.address) !== answer.family) {
      throw new TargetRefusedError(`the host ${hostname} resolved to a malformed answer`);
    }
  }
  const [first] = answers;
  if (first === undefined) throw new TargetRefusedError(`the host ${hostname} has no address`);
  return { url, hostname, address: first.address, family: first.family, port };
}
