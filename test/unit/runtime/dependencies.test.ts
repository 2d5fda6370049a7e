import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
import { assembleDependencies } from '#shared/runtime/assemble.ts';
import { createDependencies } from '#shared/runtime/dependencies.ts';

const config = loadConfig({
  STAGE: 'test',
  PAYON_ENVIRONMENT: 'TEST',
  PAYON_SECRET_ID: 'payon/test',
  TABLE_NAME: 'payon-test',
  EVENT_BUS_NAME: 'payon-test',
});

describe('the dependencies every function shares', () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs Powertools' empty-metrics notice at debug, not warn (a read, an idle sweep count nothing)", () => {
    const deps = createDependencies(config, {});
    const warn = vi.spyOn(deps.logger, 'warn');
    const debug = vi.spyOn(deps.logger, 'debug');

    deps.metrics.publishStoredMetrics();

    expect(warn).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(expect.stringMatching(/^No application metrics to publish/));
  });
});

describe('the parts a function brings (assembleDependencies)', () => {
  it('builds a part on its first use, once, and not at all when the path never uses it', () => {
    // Prepare
    let built = 0;
    const deps = assembleDependencies(config, {
      confirmQueue: () => {
        built += 1;
        return { enqueue: async () => {} };
      },
    });

    // Act
    const before = built;
    const first = deps.confirmQueue;
    const second = deps.confirmQueue;

    // Assess
    expect(before).toBe(0);
    expect(built).toBe(1);
    expect(second).toBe(first);
  });

  it('refuses, naming the part, where the function was built without the merchant secret or PAYON', async () => {
    // Prepare
    const deps = assembleDependencies(config, {});

    // Act / Assess
    expect(() => deps.secrets.get()).toThrow(/built without the merchant secret/);
    expect(() => deps.payon.prepare()).toThrow(/built without the PAYON client/);
    await expect(deps.reconciliationStarter.start('2026-11-21')).rejects.toThrow(
      /built without a reconciliation starter/,
    );
  });
});
