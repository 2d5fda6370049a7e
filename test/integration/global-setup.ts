import type { TestProject } from 'vitest/node';
import { startMoto } from '#test/support/services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

// Real local services for the integration suite, started once and stopped at the end.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
