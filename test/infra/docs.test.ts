import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synth } from '#test/infra/synth.ts';

describe('the operations runbook', () => {
  it("names every alarm of the stack in README.md's runbook", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const runbook = readme.slice(
      readme.indexOf('## Operations runbook'),
      readme.indexOf('## Code layout'),
    );
    const alarms = Object.keys(synth().template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    const named = alarms.map((id) => id.replace(/[0-9A-F]{8}$/, ''));
    const missing = named.filter((name) => {
      if (/(Errors|Throttles)Alarm$/.test(name))
        return !runbook.includes(`<Function>${name.match(/(Errors|Throttles)Alarm$/)?.[0]}`);
      return !runbook.includes(`\`${name}\``);
    });
    expect(missing).toEqual([]);
  });
});
