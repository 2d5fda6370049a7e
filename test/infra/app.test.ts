import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'payon-app-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** infra/app.ts run as `cdk synth` runs it: context through CDK_CONTEXT_JSON. */
function synth(context: Record<string, string>) {
  return spawnSync(join(root, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: out },
  });
}

describe('infra/app.ts', () => {
  it('stops on a bad setting with its message and the fix, never a stack trace', () => {
    const run = synth({ auth: 'bogus' });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('✗ Context auth must be jwt or iam (got "bogus").');
    expect(run.stderr).toContain('docs/deployment.md#context-keys');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr).not.toContain('StackConfigError');
  });
});
