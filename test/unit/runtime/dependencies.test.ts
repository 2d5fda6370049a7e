import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '#shared/config/index.ts';
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
