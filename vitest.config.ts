import { defineConfig } from 'vitest/config';

// One config, one project per suite. `npm test` runs them all with coverage; the named scripts
// run one project each. Suites that need real local services start them in their globalSetup.
export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts'],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'text', 'json-summary'],
      thresholds: {
        'shared/**/*.ts': { lines: 90, branches: 85 },
        'shared/payon/**/*.ts': { lines: 90, branches: 85 },
      },
    },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          // EMF metric lines off (thousands in the chaos test); the leak test turns them back on.
          env: {
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_TRACE_ENABLED: 'false',
            POWERTOOLS_METRICS_DISABLED: 'true',
          },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The model-based lifecycle test (test/model/): fast-check command lists over the real
          // handlers, DynamoDB Local and the sandbox. `npm run model` replays a seed.
          name: 'model',
          include: ['test/model/**/*.model.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          env: {
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_TRACE_ENABLED: 'false',
            POWERTOOLS_METRICS_DISABLED: 'true',
          },
          testTimeout: 900_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The demo shop in Debian's Chromium (playwright-core) against `npm start`.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // `npm run bench` only (scripts/bench/main.ts): measurements, not checks.
          name: 'bench',
          include: ['test/bench/**/*.bench.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          env: {
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_TRACE_ENABLED: 'false',
            POWERTOOLS_METRICS_DISABLED: 'true',
          },
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
    ],
  },
});
