import { describe, expect, it } from 'vitest';
import { matchRoute, toEvent } from '#local/runtime/apigw.ts';

describe('local API Gateway events', () => {
  it('matches path parameters and refuses malformed escapes', () => {
    expect(matchRoute('/payments/{id}', '/payments/1763700000000001')).toEqual({
      id: '1763700000000001',
    });
    expect(matchRoute('/payments/{id}', '/payments/a%20b')).toEqual({ id: 'a b' });
    expect(matchRoute('/payments/{id}', '/payments/%E0%A4%A')).toBeUndefined();
    expect(matchRoute('/payments/{id}', '/payments/')).toBeUndefined();
    expect(matchRoute('/payments/{id}/refund', '/payments/1/capture')).toBeUndefined();
  });

  it('builds a payload v2 event with lower-case headers and joined repeated parameters', () => {
    const event = toEvent(
      {
        method: 'GET',
        path: '/transactions',
        rawQueryString: 'a=1&a=2&b=x',
        headers: { 'X-Thing': 'y' },
      },
      { method: 'GET', path: '/transactions' },
      {},
    );
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /transactions',
      rawPath: '/transactions',
      headers: { 'x-thing': 'y' },
      queryStringParameters: { a: '1,2', b: 'x' },
      isBase64Encoded: false,
    });
    expect(event.body).toBeUndefined();
  });
});
