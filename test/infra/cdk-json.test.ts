import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT } from '#test/infra/synth.ts';

// aws-cdk-lib's own list of the feature flags a new app should set (what `cdk init` writes).
const recommended = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('aws-cdk-lib/recommended-feature-flags.json'),
    'utf8',
  ),
) as Record<string, unknown>;

describe('cdk.json', () => {
  it('sets every feature flag aws-cdk-lib recommends, at its recommended value', () => {
    const flags = Object.fromEntries(
      Object.entries(CDK_JSON_CONTEXT).filter(([key]) => key.startsWith('@aws-cdk')),
    );
    expect(flags).toEqual(recommended);
  });

  it('holds no flag from CDK v1 (they are the default, or gone, in v2)', () => {
    expect(CDK_JSON_CONTEXT).not.toHaveProperty(['@aws-cdk/core:stackRelativeExports']);
  });
});
