import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readStackConfig, StackConfigError } from '#infra/config.ts';
import { JWT_CONTEXT, synth } from '#test/infra/synth.ts';

const read = (context: Record<string, string>) => {
  const merged: Record<string, string> = { ...JWT_CONTEXT, ...context };
  return readStackConfig((key) => merged[key]);
};

describe('stack configuration', () => {
  it('defaults to stage dev, PAYON TEST, JWT auth, no CORS, no push allowlist, throttle 50/100, no fixed egress', () => {
    expect(read({})).toEqual({
      stage: 'dev',
      payonEnvironment: 'TEST',
      payonBaseUrl: 'http://pgtest.payon.com.kh:36605',
      payonBaseUrlOverridden: false,
      auth: { type: 'jwt', issuer: JWT_CONTEXT.jwtIssuer, audience: [JWT_CONTEXT.jwtAudience] },
      corsOrigins: [],
      returnUrlOrigins: [],
      notifySourceCidrs: [],
      bindingRateLimit: undefined,
      reconcileBatchSize: undefined,
      failureGraceMinutes: undefined,
      txIdLeadingDigit: undefined,
      throttle: { rateLimit: 50, burstLimit: 100 },
      routeThrottles: {
        webhook: { rateLimit: 20, burstLimit: 40 },
        return: { rateLimit: 10, burstLimit: 20 },
      },
      moneyReservedConcurrency: undefined,
      fixedEgress: false,
      sdkTracer: false,
      khrEnabled: false,
      alarmEmail: undefined,
      returnFallbackUrl: undefined,
      keepIndexes: [],
    });
  });

  it.each([
    [
      'the TEST host',
      'https://pgtest.payon.com.kh:36605',
      /pgtest\.payon\.com\.kh is PAYON's TEST host/,
    ],
    ['the TEST host over http', 'http://pgtest.payon.com.kh:36605', /production must use https/],
    ['plain http', 'http://pg.payon.com.kh:35505', /production must use https/],
  ])('refuses a PRODUCTION deployment pointed at %s', (_, payonBaseUrl, message) => {
    expect(() => read({ payonEnvironment: 'PRODUCTION', payonBaseUrl })).toThrow(StackConfigError);
    expect(() => read({ payonEnvironment: 'PRODUCTION', payonBaseUrl })).toThrow(message);
  });

  it('refuses the TEST host at synth, before anything is deployed', () => {
    expect(() =>
      synth({ payonEnvironment: 'PRODUCTION', payonBaseUrl: 'http://pgtest.payon.com.kh:36605' }),
    ).toThrow(/Refusing payonBaseUrl .* payonEnvironment=PRODUCTION/);
  });

  it('refuses at synth a payonBaseUrl on a port fetch refuses to connect to, naming the port', () => {
    expect(() => synth({ payonBaseUrl: 'http://pg.example.com:4190' })).toThrow(StackConfigError);
    expect(() => synth({ payonBaseUrl: 'http://pg.example.com:4190' })).toThrow(
      'Context payonBaseUrl "http://pg.example.com:4190" uses port 4190, which fetch refuses to connect to',
    );
    expect(read({ payonBaseUrl: 'http://pg.example.com:4191' }).payonBaseUrl).toBe(
      'http://pg.example.com:4191',
    );
  });

  it('accepts PRODUCTION with its own https URL or an https override', () => {
    expect(read({ payonEnvironment: 'PRODUCTION' }).payonBaseUrl).toBe(
      'https://pg.payon.com.kh:35505',
    );
    expect(
      read({ payonEnvironment: 'PRODUCTION', payonBaseUrl: 'https://pg.payon.com.kh:35505/' })
        .payonBaseUrl,
    ).toBe('https://pg.payon.com.kh:35505');
  });

  it('requires issuer and audience for JWT auth and accepts auth=iam without them', () => {
    expect(() => readStackConfig(() => undefined)).toThrow(/-c jwtIssuer=.*-c auth=iam/);
    expect(() => read({ jwtIssuer: 'http://auth.example.com' })).toThrow(/https URL/);
    expect(readStackConfig((key) => (key === 'auth' ? 'iam' : undefined)).auth).toEqual({
      type: 'iam',
    });
    expect(() => read({ auth: 'cognito' })).toThrow(/jwt or iam/);
  });

  it('reads notifySourceCidrs as a list of IPv4 and IPv6 CIDRs or addresses', () => {
    expect(
      read({ notifySourceCidrs: ' 203.0.113.0/24, 198.51.100.7 ,2001:db8::/32' }).notifySourceCidrs,
    ).toEqual(['203.0.113.0/24', '198.51.100.7', '2001:db8::/32']);
  });

  it('passes reconcileBatchSize to the functions as RECONCILE_BATCH_SIZE only when given', () => {
    expect(read({ reconcileBatchSize: '40' }).reconcileBatchSize).toBe(40);
    expect(read({ bindingRateLimit: '25' }).bindingRateLimit).toBe(25);
    const fn = (s: ReturnType<typeof synth>) =>
      Object.values(s.template.findResources('AWS::Lambda::Function')).map(
        (f) => f.Properties.Environment?.Variables ?? {},
      );
    expect(fn(synth({ reconcileBatchSize: '40' }))).toContainEqual(
      expect.objectContaining({ RECONCILE_BATCH_SIZE: '40' }),
    );
    expect(fn(synth()).some((v) => 'RECONCILE_BATCH_SIZE' in v)).toBe(false);
  });

  it('passes failureGraceMinutes to the functions as FAILURE_GRACE_MINUTES only when given', () => {
    expect(read({ failureGraceMinutes: '0' }).failureGraceMinutes).toBe(0);
    const fn = (s: ReturnType<typeof synth>) =>
      Object.values(s.template.findResources('AWS::Lambda::Function')).map(
        (f) => f.Properties.Environment?.Variables ?? {},
      );
    expect(fn(synth({ failureGraceMinutes: '30' }))).toContainEqual(
      expect.objectContaining({ FAILURE_GRACE_MINUTES: '30' }),
    );
    expect(fn(synth()).some((v) => 'FAILURE_GRACE_MINUTES' in v)).toBe(false);
    expect(fn(synth({ txIdLeadingDigit: '2' }))).toContainEqual(
      expect.objectContaining({ TXID_LEADING_DIGIT: '2' }),
    );
    expect(() => read({ txIdLeadingDigit: '0' })).toThrow(/txIdLeadingDigit/);
    expect(fn(synth({ returnFallbackUrl: 'https://shop.example.com/orders' }))).toContainEqual(
      expect.objectContaining({ RETURN_FALLBACK_URL: 'https://shop.example.com/orders' }),
    );
    expect(() => read({ returnFallbackUrl: 'http://shop.example.com' })).toThrow(
      /returnFallbackUrl/,
    );
  });

  it.each([
    ['a prefix longer than 32 bits', '203.0.113.0/33'],
    ['a host name', 'pg.payon.com.kh'],
    ['a range', '203.0.113.1-203.0.113.9'],
    ['one bad entry among good ones', '203.0.113.0/24,10.0.0.256/8'],
  ])('refuses notifySourceCidrs with %s at synth', (_, notifySourceCidrs) => {
    expect(() => read({ notifySourceCidrs })).toThrow(StackConfigError);
    expect(() => synth({ notifySourceCidrs })).toThrow(/NOTIFY_SOURCE_CIDRS must be/);
  });

  it.each([
    [{ stage: 'Prod_1' }, /STAGE/],
    [{ payonEnvironment: 'LIVE' }, /TEST or PRODUCTION/],
    [{ corsOrigins: 'https://shop.example.com/path' }, /corsOrigins/],
    [{ payonEnvironment: 'PRODUCTION', corsOrigins: 'http://localhost:3000' }, /corsOrigins/],
    [{ returnUrlOrigins: 'ftp://shop.example.com' }, /returnUrlOrigins/],
    [{ throttleRateLimit: 'fast' }, /throttleRateLimit/],
    [{ webhookThrottleRate: '0' }, /Context webhookThrottleRate must be an integer 1-10000/],
    [{ webhookThrottleBurst: '5001' }, /Context webhookThrottleBurst must be an integer 1-5000/],
    [{ returnThrottleRate: '2.5' }, /Context returnThrottleRate must be an integer 1-10000/],
    [{ returnThrottleBurst: '-1' }, /Context returnThrottleBurst must be an integer 1-5000/],
    [
      { moneyReservedConcurrency: '0' },
      /Context moneyReservedConcurrency must be an integer 1-1000/,
    ],
    [{ moneyReservedConcurrency: 'all' }, /moneyReservedConcurrency/],
    [{ fixedEgress: 'yes' }, /fixedEgress/],
    [{ reconcileBatchSize: '0' }, /reconcileBatchSize/],
    [{ bindingRateLimit: 'many' }, /bindingRateLimit/],
    [{ reconcileBatchSize: '5000' }, /reconcileBatchSize/],
    [{ alarmEmail: 'ops' }, /alarmEmail/],
  ])('refuses context %j', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  it.each(Object.keys(CONTEXT_KEYS))('documents context key %s in docs/deployment.md', (key) => {
    const doc = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8');
    expect(doc).toContain(`| \`${key}\` |`);
  });
});
