import { readFileSync } from 'node:fs';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { describe, expect, it } from 'vitest';
import { synth } from '#test/infra/synth.ts';

describe('the operations runbook', () => {
  it("names every alarm of the stack in README.md's runbook", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const runbook = readme.slice(
      readme.indexOf('## Operations runbook'),
      readme.indexOf('## Code layout'),
    );
    // The alarms' construct ids: what their names in CloudWatch carry, wherever the construct sits.
    const { stack, template } = synth();
    const named = stack.node
      .findAll()
      .filter((c): c is Alarm => c instanceof Alarm)
      .map((alarm) => alarm.node.id);
    expect(named).toHaveLength(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
    );
    expect(named.length).toBeGreaterThan(10);
    const missing = named.filter((name) => {
      if (/(Errors|Throttles)Alarm$/.test(name))
        return !runbook.includes(`<Function>${name.match(/(Errors|Throttles)Alarm$/)?.[0]}`);
      return !runbook.includes(`\`${name}\``);
    });
    expect(missing).toEqual([]);
  });
});
