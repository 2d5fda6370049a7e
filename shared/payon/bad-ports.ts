/**
 * Ports that fetch refuses to connect to. Node's fetch (undici) follows the WHATWG Fetch
 * Standard's "bad port" list (https://fetch.spec.whatwg.org/#port-blocking): a call to one fails
 * before any connection is made, so a PAYON base URL on one of these ports could never be reached.
 * Config, the stack synth and `npm start` refuse such a URL with {@link badPortProblem}.
 *
 * @example
 * ```ts
 * badPortProblem('PAYON_BASE_URL', 'http://127.0.0.1:4190'); // 'PAYON_BASE_URL ... port 4190 ...'
 * badPortProblem('PAYON_BASE_URL', 'http://127.0.0.1:4010'); // undefined
 * ```
 */

// The Fetch Standard's list as of 2025, the same as Node 20's and Node 24's fetch refuse (checked
// by test/unit/payon/bad-ports.test.ts against the running Node).
export const BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

/**
 * Why `url` (the value of setting `name`) cannot be PAYON's base URL because of its port, or
 * undefined when its port is fine (or it is not an http(s) URL: other checks report that).
 */
export function badPortProblem(name: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const port = Number(parsed.port);
  if (!BAD_PORTS.has(port)) return undefined;
  return `${name} "${url}" uses port ${port}, which fetch refuses to connect to (a "bad port" of the WHATWG Fetch Standard, https://fetch.spec.whatwg.org/#port-blocking): no call would ever reach PAYON; use another port, or a proxy on one`;
}
