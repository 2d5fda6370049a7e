import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#functions/index.ts';
import { type Edge, startEdge } from '#local/runtime/server.ts';

// Issue 21 item 5: the local edge's request log masks card numbers after percent-decoding the path.
describe("the local edge's request log", () => {
  let edge: Edge;
  const lines: string[] = [];

  beforeAll(async () => {
    const notFound = async () => ({ statusCode: 404, body: '{}' });
    edge = await startEdge({
      routes: ROUTES,
      handlers: new Map(ROUTES.map((r) => [r.function, notFound])),
      corsOrigins: [],
      port: 0,
      log: (line) => lines.push(line),
    });
  });
  afterAll(() => edge.close());

  it.each([
    ['percent-encoded digits', '/payments/%34%31%31%31111111111111'],
    ['an encoded separator', '/payments/4111%201111%201111%201111'],
    ['plain digits', '/payments/4111111111111111'],
    ['an unknown path', '/nothing/%34%31%31%31111111111111/here'],
  ])('logs no card number given as %s', async (_, path) => {
    lines.length = 0;
    await fetch(`${edge.url}${path}`);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^GET \/\S+ \d{3} \d+ms$/);
    expect(lines[0]).not.toMatch(/4111.?1111.?1111.?1111|%34%31/);
    expect(lines[0]).toContain('411111******1111');
  });

  it('still logs a path that is not valid percent-encoding', async () => {
    lines.length = 0;
    await fetch(`${edge.url}/payments/%E0%A4%A`);
    expect(lines[0]).toContain('/payments/%E0%A4%A');
  });
});
