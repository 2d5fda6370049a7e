import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Fake credentials for local emulators; they never leave the machine. */
export const LOCAL_AWS = {
  region: 'ap-southeast-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
} as const;

/**
 * A real Secrets Manager client pointed at a local endpoint, with a counter of the calls it sends
 * over the wire (so tests can assert caching from the client's side).
 */
export function countingSecretsClient(endpoint: string): {
  client: SecretsManagerClient;
  calls: () => number;
} {
  const client = new SecretsManagerClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      count += 1;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countCalls' },
  );
  return { client, calls: () => count };
}
