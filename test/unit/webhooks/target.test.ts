import { describe, expect, it } from 'vitest';
import {
  addressProblem,
  parseIPv4,
  parseIPv6,
  type Resolver,
  resolveTarget,
  STRICT,
  TargetRefusedError,
  webhookUrlProblem,
} from '#shared/webhooks/target.ts';

const LOCAL = { local: true };

describe('the SSRF guard refuses every non-public address, in every numeric form', () => {
  // [the URL as a merchant might register it, what the refusal names]
  const refused: [string, RegExp][] = [
    ['https://127.0.0.1/', /loopback address \(127\.0\.0\.1\)/],
    ['https://2130706433/', /loopback address \(127\.0\.0\.1\)/], // one decimal number
    ['https://0177.0.0.1/', /loopback address \(127\.0\.0\.1\)/], // octal part
    ['https://0x7f.1/', /loopback address \(127\.0\.0\.1\)/], // hex part, short form
    ['https://0x7f000001/', /loopback address \(127\.0\.0\.1\)/], // one hex number
    ['https://017700000001/', /loopback address \(127\.0\.0\.1\)/], // one octal number
    ['https://127.1/', /loopback address \(127\.0\.0\.1\)/], // two-part short form
    ['https://127.0.1/', /loopback address \(127\.0\.0\.1\)/], // three-part short form
    ['https://127.255.255.254/', /loopback/],
    ['https://[::1]/', /loopback/],
    ['https://[0:0:0:0:0:0:0:1]/', /loopback/],
    ['https://[::ffff:127.0.0.1]/', /IPv4-mapped/],
    ['https://[::ffff:7f00:1]/', /IPv4-mapped/],
    ['https://[::ffff:8.8.8.8]/', /IPv4-mapped/], // mapped, even to a public address
    ['https://[::ffff:0:8.8.8.8]/', /IPv4-translated/],
    ['https://[::8.8.8.8]/', /IPv4-compatible/],
    ['https://[64:ff9b::7f00:1]/', /NAT64/],
    ['https://[64:ff9b::8.8.8.8]/', /NAT64/],
    ['https://[64:ff9b:1::1]/', /NAT64/],
    ['https://[2002:7f00:1::]/', /6to4/],
    ['https://[2002:c0a8:101::1]/', /6to4/],
    ['https://[2001:0:4136:e378::1]/', /Teredo/],
    ['https://[2001:db8::1]/', /documentation/],
    ['https://[fc00::1]/', /unique local/],
    ['https://[fd12:3456::1]/', /unique local/],
    ['https://[fd00:ec2::254]/', /unique local/], // the EC2 metadata service over IPv6
    ['https://[fe80::1]/', /link-local/],
    ['https://[febf::1]/', /link-local/],
    ['https://[fec0::1]/', /site-local/],
    ['https://[ff02::1]/', /multicast/],
    ['https://[::]/', /unspecified/],
    ['https://[100::1]/', /discard/],
    ['https://[4000::1]/', /global unicast/],
    ['https://10.0.0.1/', /private/],
    ['https://10.255.255.255/', /private/],
    ['https://012.1/', /private address \(10\.0\.0\.1\)/], // octal 012 = 10
    ['https://172.16.0.1/', /private/],
    ['https://172.31.255.255/', /private/],
    ['https://0xac.0x10.0.1/', /private address \(172\.16\.0\.1\)/],
    ['https://192.168.1.1/', /private/],
    ['https://3232235777/', /private address \(192\.168\.1\.1\)/],
    ['https://100.64.0.1/', /CGNAT/],
    ['https://100.127.255.255/', /CGNAT/],
    ['https://169.254.169.254/', /link-local/], // the EC2 / ECS metadata service
    ['https://0xa9fea9fe/', /link-local address \(169\.254\.169\.254\)/],
    ['https://169.254.0.1/', /link-local/],
    ['https://0.0.0.0/', /this network/],
    ['https://0/', /this network/],
    ['https://0.1.2.3/', /this network/],
    ['https://224.0.0.1/', /multicast/],
    ['https://239.255.255.250/', /multicast/],
    ['https://255.255.255.255/', /broadcast/],
    ['https://4294967295/', /broadcast/],
    ['https://240.0.0.1/', /reserved/],
    ['https://192.0.0.8/', /IETF protocol/],
    ['https://192.0.2.10/', /documentation/],
    ['https://198.51.100.7/', /documentation/],
    ['https://203.0.113.9/', /documentation/],
    ['https://198.18.0.1/', /benchmarking/],
    ['https://192.88.99.1/', /6to4 relay/],
  ];

  it.each(refused)('refuses %s', (url, why) => {
    expect(webhookUrlProblem(url, STRICT)).toMatch(why);
  });

  it.each(refused.filter(([, why]) => !why.source.startsWith('loopback')))(
    'refuses %s with the local allowance too (it lets loopback through, nothing else)',
    (url, why) => {
      expect(webhookUrlProblem(url.replace('https:', 'http:'), LOCAL)).toMatch(why);
    },
  );

  it.each([
    'https://shop.example.com/payon/webhooks',
    'https://8.8.8.8/hooks',
    'https://1.1.1.1/',
    'https://[2606:4700:4700::1111]/hooks',
    'https://100.63.255.255/', // just below CGNAT
    'https://100.128.0.0/', // just above
    'https://172.15.255.255/',
    'https://172.32.0.0/',
    'https://169.253.255.255/',
    'https://11.0.0.1/',
    'https://223.255.255.255/',
    'https://shop.example.com/hooks?token=abc',
  ])('accepts the public target %s', (url) => {
    expect(webhookUrlProblem(url, STRICT)).toBeUndefined();
  });

  it.each([
    ['http://shop.example.com/hooks', /https:\/\//],
    ['ftp://shop.example.com/', /https:\/\//],
    ['https://shop.example.com:8443/hooks', /443/],
    ['https://user:pass@shop.example.com/', /user name/],
    ['https://shop.example.com/#frag', /fragment/],
    ['https://localhost/', /internal host/],
    ['https://api.localhost/', /internal host/],
    ['https://printer.local/', /internal host/],
    ['https://db.internal/', /internal host/],
    ['https://nas.home.arpa/', /internal host/],
    ['https://intranet/', /domain/],
    ['not a url', /absolute URL/],
    [`https://shop.example.com/${'a'.repeat(2_100)}`, /2048/],
  ])('refuses %s', (url, why) => {
    expect(webhookUrlProblem(url, STRICT)).toMatch(why);
  });

  it('lets npm start use http://, any port, 127.0.0.0/8, ::1 and localhost', () => {
    for (const url of [
      'http://127.0.0.1:4242/hooks',
      'http://2130706433:4242/',
      'https://127.0.0.1:8443/',
      'http://[::1]:8080/',
      'http://localhost:3000/demo/webhooks',
    ]) {
      expect(webhookUrlProblem(url, LOCAL), url).toBeUndefined();
    }
    // Mapped loopback is still an IPv4-mapped address: refused locally too.
    expect(webhookUrlProblem('http://[::ffff:127.0.0.1]/', LOCAL)).toMatch(/IPv4-mapped/);
  });
});

describe('address parsing', () => {
  it('reads IPv4 as the WHATWG URL parser does', () => {
    expect(parseIPv4('127.0.0.1')).toBe(0x7f000001n);
    expect(parseIPv4('2130706433')).toBe(0x7f000001n);
    expect(parseIPv4('0x7f.1')).toBe(0x7f000001n);
    expect(parseIPv4('0177.0.0.01')).toBe(0x7f000001n);
    expect(parseIPv4('127.1.')).toBe(0x7f000001n);
    expect(parseIPv4('0x')).toBe(0n);
    expect(parseIPv4('256.0.0.1')).toBeUndefined();
    expect(parseIPv4('1.2.3.4.5')).toBeUndefined();
    expect(parseIPv4('4294967296')).toBeUndefined();
    expect(parseIPv4('08.1.1.1')).toBeUndefined();
    expect(parseIPv4('example.com')).toBeUndefined();
  });

  it('reads IPv6 compressed, full and with an embedded IPv4; refuses zone ids', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('0:0:0:0:0:0:0:1')).toBe(1n);
    expect(parseIPv6('::ffff:127.0.0.1')).toBe(0xffff7f000001n);
    expect(parseIPv6('64:ff9b::1.2.3.4')).toBe((0x64ff9bn << 96n) | 0x01020304n);
    expect(parseIPv6('fe80::1%eth0')).toBeUndefined();
    expect(parseIPv6('1.2.3.4')).toBeUndefined();
  });

  it('names an answer that is no address at all', () => {
    expect(addressProblem('not-an-ip', STRICT)).toMatch(/not an IP address/);
  });
});

describe('resolving, checking and pinning the address', () => {
  const resolverOf =
    (answers: Record<string, string[]>): Resolver =>
    async (host) => {
      const found = answers[host];
      if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };

  it('connects to the checked address and keeps the name for SNI and Host', async () => {
    const target = await resolveTarget(new URL('https://shop.example.com/hooks?x=1'), {
      resolver: resolverOf({ 'shop.example.com': ['93.184.216.34', '2606:2800:220:1::1'] }),
      allowance: STRICT,
    });
    expect(target).toMatchObject({
      hostname: 'shop.example.com',
      address: '93.184.216.34',
      family: 4,
      port: 443,
    });
  });

  it.each([
    ['127.0.0.1', /loopback/],
    ['10.1.2.3', /private/],
    ['169.254.169.254', /link-local/],
    ['100.100.100.200', /CGNAT/],
    ['::1', /loopback/],
    ['::ffff:10.0.0.1', /IPv4-mapped/],
    ['64:ff9b::a00:1', /NAT64/],
    ['2002:a00:1::1', /6to4/],
    ['fd00::1', /unique local/],
    ['fe80::abcd', /link-local/],
    ['0.0.0.0', /this network/],
    ['224.0.0.251', /multicast/],
  ])('refuses a public-looking name that resolves to %s', async (address, why) => {
    const attempt = resolveTarget(new URL('https://hooks.attacker.example/'), {
      resolver: resolverOf({ 'hooks.attacker.example': [address] }),
      allowance: STRICT,
    });
    await expect(attempt).rejects.toThrow(TargetRefusedError);
    await expect(attempt).rejects.toThrow(why);
  });

  it('refuses a name with one public and one private address (the order is no promise)', async () => {
    await expect(
      resolveTarget(new URL('https://mixed.example.com/'), {
        resolver: resolverOf({ 'mixed.example.com': ['93.184.216.34', '192.168.0.10'] }),
        allowance: STRICT,
      }),
    ).rejects.toThrow(/private/);
  });

  it('refuses a name that does not resolve, or answers nothing', async () => {
    await expect(
      resolveTarget(new URL('https://nowhere.example.com/'), {
        resolver: resolverOf({}),
        allowance: STRICT,
      }),
    ).rejects.toThrow(/does not resolve \(ENOTFOUND\)/);
    await expect(
      resolveTarget(new URL('https://empty.example.com/'), {
        resolver: resolverOf({ 'empty.example.com': [] }),
        allowance: STRICT,
      }),
    ).rejects.toThrow(/no address/);
  });

  it('refuses a resolver answer in a non-canonical form (octal)', async () => {
    await expect(
      resolveTarget(new URL('https://odd.example.com/'), {
        resolver: async () => [{ address: '0177.0.0.1', family: 4 }],
        allowance: STRICT,
      }),
    ).rejects.toThrow(/loopback/);
  });

  it('re-checks the URL itself at delivery (a URL stored before a rule was tightened)', async () => {
    await expect(
      resolveTarget(new URL('http://shop.example.com/'), {
        resolver: resolverOf({ 'shop.example.com': ['93.184.216.34'] }),
        allowance: STRICT,
      }),
    ).rejects.toThrow(/https/);
  });
});
