import { describe, expect, it } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
import { ConfigurationError } from '#shared/errors.ts';
import { BAD_PORTS, badPortProblem } from '#shared/payon/bad-ports.ts';

/** The reason this Node's fetch gives for refusing `url` before connecting, if it does. */
async function refusal(url: string): Promise<string | undefined> {
  try {
    // A host that resolves nowhere: a port fetch does not refuse fails on the name, never connects.
    await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    const cause = (error as Error).cause;
    return cause instanceof Error ? cause.message : undefined;
  }
  return undefined;
}

const REQUIRED = {
  STAGE: 'test',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/test',
  TABLE_NAME: 'payon-test',
  EVENT_BUS_NAME: 'payon-test',
};

describe('bad ports', () => {
  it('lists ports this Node fetch refuses before connecting, and not their neighbours', async () => {
    const listed = await Promise.all(
      [...BAD_PORTS].map((port) => refusal(`http://bad-port-check.invalid:${port}/`)),
    );
    const neighbours = await Promise.all(
      [4189, 4191, 36605, 35505, 8080, 10081].map((port) =>
        refusal(`http://bad-port-check.invalid:${port}/`),
      ),
    );

    expect(new Set(listed)).toEqual(new Set(['bad port']));
    expect(neighbours).not.toContain('bad port');
  });

  it('names the setting, the port and why, and passes every other port', () => {
    expect(badPortProblem('PAYON_BASE_URL', 'http://127.0.0.1:4190')).toBe(
      'PAYON_BASE_URL "http://127.0.0.1:4190" uses port 4190, which fetch refuses to connect to (a "bad port" of the WHATWG Fetch Standard, https://fetch.spec.whatwg.org/#port-blocking): no call would ever reach PAYON; use another port, or a proxy on one',
    );
    expect(badPortProblem('X', 'https://pg.example.com:6000/pg')).toContain('port 6000');
    expect(badPortProblem('X', 'http://pgtest.payon.com.kh:36605')).toBeUndefined();
    expect(badPortProblem('X', 'https://pg.payon.com.kh')).toBeUndefined();
    expect(badPortProblem('X', 'not a url')).toBeUndefined();
  });

  it('stops loadConfig on a PAYON_BASE_URL with a bad port, naming it', () => {
    const load = () => loadConfig({ ...REQUIRED, PAYON_BASE_URL: 'http://127.0.0.1:4190' });

    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(
      'Invalid configuration: PAYON_BASE_URL "http://127.0.0.1:4190" uses port 4190, which fetch refuses to connect to',
    );
    expect(loadConfig({ ...REQUIRED, PAYON_BASE_URL: 'http://127.0.0.1:4010' }).payon.baseUrl).toBe(
      'http://127.0.0.1:4010',
    );
  });
});
