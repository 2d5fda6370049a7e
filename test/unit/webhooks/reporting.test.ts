import { describe, expect, it } from 'vitest';
import { attemptLine } from '#local/runtime/system.ts';
import { type DimensionedMetrics, endpointMetric } from '#shared/runtime/metrics.ts';
import { responseExcerpt } from '#shared/webhooks/endpoint.ts';

/** Records what reaches CloudWatch: each metric with the dimensions it was sent with. */
function recordingMetrics() {
  const sent: { name: string; unit: string; value: number; dimensions: Record<string, string> }[] =
    [];
  const metrics: DimensionedMetrics = {
    addMetric: (name, unit, value) => sent.push({ name, unit, value, dimensions: {} }),
    singleMetric: () => {
      const dimensions: Record<string, string> = {};
      return {
        addDimension: (name, value) => {
          dimensions[name] = value;
        },
        addMetric: (name, unit, value) => sent.push({ name, unit, value, dimensions }),
      };
    },
  };
  return { metrics, sent };
}

describe('webhook metrics and printed attempts', () => {
  it('sends the success of each attempt with the endpoint dimension, and the backlog age also without it', () => {
    const { metrics, sent } = recordingMetrics();
    endpointMetric(metrics, 'we_AAAAAAAAAAAAAAAAAAAA', 'webhooks.success', 'Count', 0);
    endpointMetric(metrics, 'we_AAAAAAAAAAAAAAAAAAAA', 'webhooks.backlogAge', 'Seconds', 42);
    expect(sent).toEqual([
      {
        name: 'webhooks.success',
        unit: 'Count',
        value: 0,
        dimensions: { endpoint: 'we_AAAAAAAAAAAAAAAAAAAA' },
      },
      {
        name: 'webhooks.backlogAge',
        unit: 'Seconds',
        value: 42,
        dimensions: { endpoint: 'we_AAAAAAAAAAAAAAAAAAAA' },
      },
      { name: 'webhooks.backlogAge', unit: 'Seconds', value: 42, dimensions: {} },
    ]);
  });

  it('keeps of an answer only a short printable excerpt with card numbers masked', () => {
    expect(responseExcerpt(Buffer.from('ok card 4111 1111 1111 1111\n\u0000done'))).toBe(
      'ok card 411111******1111 done',
    );
    expect(responseExcerpt(Buffer.from('y'.repeat(4_096)))).toHaveLength(200);
    expect(responseExcerpt(Buffer.alloc(0))).toBeUndefined();
  });

  it('prints an attempt as npm start shows it: event, target without its query, outcome', () => {
    const base = {
      endpointId: 'we_AAAAAAAAAAAAAAAAAAAA',
      url: 'http://127.0.0.1:3000/demo/webhooks?token=secret',
      deliveryId: 'dlv_20261203021512345_6f1c2a9b0d3e4f58',
      eventId: 'evt_1795000000000017_3',
      eventType: 'payment.succeeded',
    };
    expect(
      attemptLine({
        ...base,
        state: 'succeeded',
        attempt: {
          at: '',
          durationMs: 12,
          statusCode: 204,
          outcome: 'succeeded',
          nextAttemptAt: null,
        },
      }),
    ).toBe(
      '  [webhook] payment.succeeded evt_1795000000000017_3 → http://127.0.0.1:3000/demo/webhooks 204 (12 ms)',
    );
    expect(
      attemptLine({
        ...base,
        state: 'pending',
        attempt: {
          at: '',
          durationMs: 3,
          statusCode: null,
          outcome: 'connection_failed',
          error: 'ECONNREFUSED',
          nextAttemptAt: '2026-12-03T14:03:05.000Z',
        },
      }),
    ).toMatch(/failed \(connection_failed ECONNREFUSED\); next 14:03:05 UTC$/);
    expect(
      attemptLine({
        ...base,
        state: 'failed',
        attempt: {
          at: '',
          durationMs: 3,
          statusCode: 500,
          outcome: 'http_error',
          error: 'HTTP 500',
          nextAttemptAt: null,
        },
      }),
    ).toMatch(/failed \(http_error HTTP 500\); given up$/);
  });
});
