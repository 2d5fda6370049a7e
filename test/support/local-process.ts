/**
 * `npm start` as a user runs it: a child process in its own process group (so Ctrl-C is SIGINT to
 * the group), its whole stdout and stderr kept for the test to read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '#test/support/services.ts';

export interface LocalProcess {
  readonly child: ChildProcess;
  readonly ports: { api: number; dynamo: number; aws: number; sandbox: number };
  output(): string;
  /** Resolves when `text` has been printed (or rejects after `timeoutMs`, with the output). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Ctrl-C: SIGINT to the process group; resolves with the exit code. */
  interrupt(timeoutMs?: number): Promise<number | null>;
}

export async function spawnLocal(
  env: Record<string, string> = {},
  command: { file: string; args: string[] } = { file: 'npm', args: ['start', '--silent'] },
): Promise<LocalProcess> {
  const ports = {
    api: await freePort(),
    dynamo: await freePort(),
    aws: await freePort(),
    sandbox: await freePort(),
  };
  let output = '';
  const child = spawn(command.file, command.args, {
    cwd: new URL('../..', import.meta.url).pathname,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LOCAL_API_PORT: String(ports.api),
      LOCAL_DYNAMO_PORT: String(ports.dynamo),
      LOCAL_AWS_PORT: String(ports.aws),
      LOCAL_SANDBOX_PORT: String(ports.sandbox),
      ...env,
    },
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString();
  });
  return {
    child,
    ports,
    output: () => output,
    async waitFor(text, timeoutMs = 90_000) {
      const until = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (child.exitCode !== null)
          throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
        if (Date.now() > until)
          throw new Error(`"${text}" not printed within ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async interrupt(timeoutMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs));
      const result = await Promise.race([exited, timer]);
      if (result === 'timeout') {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        throw new Error(`npm start did not stop within ${timeoutMs} ms`);
      }
      return result;
    },
  };
}
