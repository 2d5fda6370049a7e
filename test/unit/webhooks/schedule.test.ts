import { describe, expect, it } from 'vitest';
import {
  DELIVERY_WINDOW_MS,
  JITTER,
  nextAttemptAt,
  RETRY_EVERY_MS,
  retryWaitMs,
  shouldDisable,
} from '#shared/webhooks/schedule.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('the webhook retry schedule', () => {
  it('waits 1 min, 5 min, 30 min, 2 h, 6 h, then every 12 h', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map(retryWaitMs)).toEqual([
      MIN,
      5 * MIN,
      30 * MIN,
      2 * HOUR,
      6 * HOUR,
      12 * HOUR,
      12 * HOUR,
      RETRY_EVERY_MS,
    ]);
  });

  it('jitters each wait within ±10 %', () => {
    const at = new Date('2026-12-03T00:00:00Z');
    const deadline = new Date(at.getTime() + DELIVERY_WINDOW_MS);
    const low = nextAttemptAt({ failedAttempts: 3, at, deadline, random: () => 0 });
    const mid = nextAttemptAt({ failedAttempts: 3, at, deadline, random: () => 0.5 });
    const high = nextAttemptAt({ failedAttempts: 3, at, deadline, random: () => 0.999_999 });
    expect(low?.getTime()).toBe(at.getTime() + 30 * MIN * (1 - JITTER));
    expect(mid?.getTime()).toBe(at.getTime() + 30 * MIN);
    expect(high?.getTime()).toBeLessThanOrEqual(at.getTime() + 30 * MIN * (1 + JITTER));
    expect(high?.getTime()).toBeGreaterThan(at.getTime() + 30 * MIN * (1 + JITTER) - 10);
  });

  it('gives up when the next attempt would be later than 72 h after the event', () => {
    // Without jitter, attempts at 0, 1 min, 6 min, 36 min, 2 h 36, 8 h 36, then every 12 h:
    // the last is at 68 h 36 min; the next would be at 80 h 36 min.
    const event = new Date('2026-12-03T00:00:00Z');
    const deadline = new Date(event.getTime() + DELIVERY_WINDOW_MS);
    const times: number[] = [0];
    let at = event;
    for (let failed = 1; ; failed++) {
      const next = nextAttemptAt({ failedAttempts: failed, at, deadline, random: () => 0.5 });
      if (!next) break;
      times.push((next.getTime() - event.getTime()) / MIN);
      at = next;
    }
    expect(times).toEqual([
      0,
      1,
      6,
      36,
      156,
      516,
      516 + 720,
      516 + 1440,
      516 + 2160,
      516 + 2880,
      516 + 3600,
    ]);
    expect(times.at(-1)).toBeLessThanOrEqual(72 * 60);
  });

  it('disables an endpoint whose every attempt failed for 72 h, not one second earlier', () => {
    const since = '2026-12-03T00:00:00.000Z';
    expect(shouldDisable(since, new Date(Date.parse(since) + 72 * HOUR - 1_000))).toBe(false);
    expect(shouldDisable(since, new Date(Date.parse(since) + 72 * HOUR))).toBe(true);
    expect(shouldDisable(undefined, new Date())).toBe(false);
  });
});
