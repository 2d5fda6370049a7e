import type { TestProject } from 'vitest/node';
import { startDynamoLocal, startMoto } from '#test/support/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    dynamoEndpoint: string;
  }
}

// Real local services for the integration suite, started once (in parallel) and stopped at the end.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [moto, dynamo] = await Promise.all([startMoto(), startDynamoLocal()]);
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await Promise.all([moto.stop(), dynamo.stop()]);
  };
}
