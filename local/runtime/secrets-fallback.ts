/**
 * A minimal Secrets Manager for machines without `moto_server`: CreateSecret, PutSecretValue and
 * GetSecretValue over the same JSON protocol, in memory, on loopback. The product's real client
 * talks to it unchanged.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningService } from '#local/runtime/services.ts';

export async function startSecretsFallback(port = 0): Promise<RunningService> {
  const secrets = new Map<string, { arn: string; value: string; version: string }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      let input: Record<string, string> = {};
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
          string,
          string
        >;
      } catch {
        // answered below
      }
      const reply = (status: number, body: unknown) => {
        res
          .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify(body));
      };
      const name = input.Name ?? input.SecretId ?? '';
      const found = secrets.get(name) ?? [...secrets.values()].find((s) => s.arn === name);
      switch (target) {
        case 'secretsmanager.CreateSecret': {
          if (secrets.has(name))
            return reply(400, { __type: 'ResourceExistsException', message: 'exists' });
          const arn = `arn:aws:secretsmanager:local:000000000000:secret:${name}`;
          const version = randomUUID();
          secrets.set(name, { arn, value: input.SecretString ?? '', version });
          return reply(200, { ARN: arn, Name: name, VersionId: version });
        }
        case 'secretsmanager.PutSecretValue': {
          if (!found)
            return reply(400, { __type: 'ResourceNotFoundException', message: 'not found' });
          found.value = input.SecretString ?? '';
          found.version = randomUUID();
          return reply(200, { ARN: found.arn, Name: name, VersionId: found.version });
        }
        case 'secretsmanager.GetSecretValue': {
          if (!found)
            return reply(400, { __type: 'ResourceNotFoundException', message: 'not found' });
          return reply(200, {
            ARN: found.arn,
            Name: name,
            SecretString: found.value,
            VersionId: found.version,
          });
        }
        default:
          return reply(400, {
            __type: 'InvalidRequestException',
            message: `unsupported ${target}`,
          });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
