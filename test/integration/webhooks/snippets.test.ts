import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiEnvironment, startApi } from '#test/support/api.ts';
import { paidPayment } from '#test/support/payments.ts';
import {
  type ReceivedRequest,
  type Receiver,
  startReceiver,
} from '#test/support/webhook-receiver.ts';

// The Python and PHP verification snippets of docs/webhooks.md, exactly as the page shows them,
// run with the machine's python3 and Debian's php-cli against real deliveries (and tampered ones).

const doc = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');

/** The first fenced block of `language` after the heading that starts with `heading`. */
function snippet(heading: string, language: string): string {
  const from = doc.indexOf(`### ${heading}`);
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(doc.slice(from));
  if (from < 0 || !block?.[1])
    throw new Error(`docs/webhooks.md has no ${language} block under ${heading}`);
  return block[1];
}

const PYTHON_HARNESS = `
import sys
try:
    event = verify_webhook(open(sys.argv[1], "rb").read(), sys.argv[2], sys.argv[3])
except ValueError as error:
    print(error)
    sys.exit(1)
print(event["id"])
`;

const PHP_HARNESS = `
try {
    $event = verify_webhook(file_get_contents($argv[1]), $argv[2], $argv[3]);
} catch (UnexpectedValueException $error) {
    echo $error->getMessage(), "\\n";
    exit(1);
}
echo $event['id'], "\\n";
`;

const has = (command: string) =>
  spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

describe('the verification snippets of docs/webhooks.md', () => {
  let api: ApiEnvironment;
  let receiver: Receiver;
  let dir: string;
  let secret: string;
  let rotatedSecret: string;
  let plain: ReceivedRequest;
  let rotated: ReceivedRequest;

  beforeAll(async () => {
    // php-cli is installed by CI (.ci/run) and by `apt-get install -y php-cli` here.
    for (const tool of ['python3', 'php']) {
      if (!has(tool))
        throw new Error(
          `${tool} is not installed (Debian: apt-get install -y ${tool === 'php' ? 'php-cli' : 'python3'})`,
        );
    }
    dir = mkdtempSync(join(tmpdir(), 'payon-snippets-'));
    writeFileSync(join(dir, 'verify.py'), snippet('Python', 'python') + PYTHON_HARNESS);
    writeFileSync(join(dir, 'verify.php'), snippet('PHP', 'php') + PHP_HARNESS);
    receiver = await startReceiver();
    api = await startApi({ env: { WEBHOOKS_ALLOW_LOCAL_TARGETS: 'true' } });
    const created = await api.call('POST', '/webhook-endpoints', {
      body: { url: receiver.url, events: ['*'] },
    });
    ({ secret } = created.body as { secret: string });
    const { id } = created.body as { id: string };
    await paidPayment(api);
    await api.deliverWebhooks();
    plain = receiver.requests[0] as ReceivedRequest;
    const rotation = await api.call('POST', `/webhook-endpoints/${id}/rotate-secret`);
    rotatedSecret = (rotation.body as { secret: string }).secret;
    await paidPayment(api);
    await api.deliverWebhooks();
    rotated = receiver.requests[1] as ReceivedRequest;
  }, 60_000);
  afterAll(async () => {
    await receiver?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one snippet on a body and header; its exit code and output. */
  function run(tool: 'python3' | 'php', body: Buffer, header: string, key: string) {
    const file = join(dir, `body-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, body);
    const script = join(dir, tool === 'php' ? 'verify.php' : 'verify.py');
    const result = spawnSync(tool, [script, file, header, key], { encoding: 'utf8' });
    return { status: result.status, out: `${result.stdout}${result.stderr}`.trim() };
  }

  const header = (r: ReceivedRequest) => String(r.headers['payon-signature']);
  const eventId = (r: ReceivedRequest) => (JSON.parse(r.raw.toString('utf8')) as { id: string }).id;

  it.each(['python3', 'php'] as const)(
    '%s: accepts a real delivery and answers its event',
    (tool) => {
      expect(run(tool, plain.raw, header(plain), secret)).toEqual({
        status: 0,
        out: eventId(plain),
      });
    },
  );

  it.each(['python3', 'php'] as const)(
    '%s: accepts either secret during a rotation (two v1)',
    (tool) => {
      expect(header(rotated).match(/v1=/g)).toHaveLength(2);
      for (const key of [secret, rotatedSecret]) {
        expect(run(tool, rotated.raw, header(rotated), key)).toEqual({
          status: 0,
          out: eventId(rotated),
        });
      }
    },
  );

  it.each(['python3', 'php'] as const)(
    '%s: refuses a tampered body, another secret, an old t',
    (tool) => {
      const tampered = Buffer.from(plain.raw.toString('utf8').replace('"SUCCEEDED"', '"REFUNDED"'));
      expect(run(tool, tampered, header(plain), secret)).toEqual({
        status: 1,
        out: 'no v1 signature matches this secret',
      });
      expect(run(tool, plain.raw, header(plain), 'whsec_someone_else').status).toBe(1);
      // A delivery signed 10 minutes ago, with a valid signature for that time: a replay.
      const t = Math.floor(Date.now() / 1_000) - 600;
      const signed = execFileSync('node', [
        '-e',
        `const c=require('node:crypto');process.stdout.write(c.createHmac('sha256',process.argv[1]).update(process.argv[2]+'.').update(require('node:fs').readFileSync(process.argv[3])).digest('hex'))`,
        secret,
        String(t),
        writeBody(plain.raw),
      ]).toString();
      expect(run(tool, plain.raw, `t=${t},v1=${signed}`, secret)).toEqual({
        status: 1,
        out: 'timestamp outside the tolerance',
      });
      expect(run(tool, plain.raw, 'v1=abc', secret)).toEqual({
        status: 1,
        out: 'malformed Payon-Signature header',
      });
    },
  );

  function writeBody(body: Buffer): string {
    const file = join(dir, 'replayed-body');
    writeFileSync(file, body);
    return file;
  }
});
