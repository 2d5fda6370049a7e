/**
 * Records the I/O one operation makes — every PAYON client call with its arguments, every DynamoDB
 * and EventBridge command with its input — and replays it directly, without the handler, on a
 * twin prepared the same way (issue 12: per-request overhead). The replay rewrites the twin's ids
 * into every string (txId, clientId, binding id, and every UUID to a fresh one: idempotency keys,
 * event ids; an Idempotency-Key's record key, its HMAC, to a fresh one), so that each conditional write meets the same state and succeeds as it did.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as eventbridge from '@aws-sdk/client-eventbridge';
import type { PayonClient } from '#shared/payon/client.ts';
import type { ApiEnvironment } from '#test/support/api.ts';

type Entry =
  | {
      readonly kind: 'aws';
      readonly client: Sendable;
      readonly command: string;
      readonly input: unknown;
    }
  | { readonly kind: 'payon'; readonly method: string; readonly args: readonly unknown[] };

interface Sendable {
  send(command: unknown): Promise<unknown>;
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<unknown>,
      options: { step: 'build'; name: string },
    ): void;
  };
}

const COMMANDS: Record<string, Record<string, unknown>> = { dynamodb, eventbridge };
/** Names, not ids: kept as they are. */
const KEEP = new Set(['TableName', 'EventBusName']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** An Idempotency-Key's record is keyed by its HMAC (64 hex digits), never the UUID itself. */
const RECORD_KEY = /IDEM#[0-9a-f]{64}/g;

/** A copy of a call's arguments; a function argument (a look-up callback) is kept as it is. */
function cloneArgs(value: unknown): unknown {
  if (typeof value === 'function') return value;
  if (Array.isArray(value)) return value.map(cloneArgs);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneArgs(v)]));
  }
  return structuredClone(value);
}

export class IoRecorder {
  #entries: Entry[] | undefined;
  readonly #services = new Map<Sendable, string>();

  /** Records the commands this client sends (after the document client has marshalled them). */
  watch(service: 'dynamodb' | 'eventbridge', client: unknown): void {
    const sendable = client as Sendable;
    this.#services.set(sendable, service);
    sendable.middlewareStack.add(
      (next, context) => async (args) => {
        this.#entries?.push({
          kind: 'aws',
          client: sendable,
          command: `${service}:${context.commandName ?? '?'}`,
          input: structuredClone(args.input),
        });
        return next(args);
      },
      { step: 'build', name: `io-recorder-${service}` },
    );
  }

  /** Records every call of the PAYON client of `api.deps` (the current instance's). */
  wrapPayon(api: ApiEnvironment): void {
    const real = api.deps.payon;
    if ((real as { recorded?: boolean }).recorded) return;
    const proxy = new Proxy(real, {
      get: (target, property) => {
        if (property === 'recorded') return true;
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          this.#entries?.push({
            kind: 'payon',
            method: String(property),
            args: cloneArgs(args) as unknown[],
          });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    (api.deps as { payon: PayonClient }).payon = proxy;
  }

  /** Runs `operation`, recording its I/O. */
  async record<T>(operation: () => Promise<T>): Promise<{ result: T; entries: Entry[] }> {
    this.#entries = [];
    try {
      const result = await operation();
      return { result, entries: this.#entries };
    } finally {
      this.#entries = undefined;
    }
  }

  /**
   * Sends `entries` again, one after another in the order they were issued, with every `from` id
   * replaced by its `to` and every UUID by a fresh one. Throws when a command fails (a replay that
   * did not meet the same state would not be the same work).
   */
  async replay(api: ApiEnvironment, entries: readonly Entry[], ids: ReadonlyMap<string, string>) {
    // The twin's own ids stay; every other UUID gets a fresh one.
    const uuids = new Map<string, string>([...ids.values()].map((to) => [to, to]));
    const rewrite = (value: unknown): unknown => {
      if (typeof value === 'string') {
        let s = value;
        for (const [from, to] of ids) s = s.replaceAll(from, to);
        s = s.replace(RECORD_KEY, (k) => {
          const mapped = uuids.get(k) ?? `IDEM#${randomBytes(32).toString('hex')}`;
          uuids.set(k, mapped);
          return mapped;
        });
        return s.replace(UUID, (u) => {
          const mapped = uuids.get(u) ?? randomUUID();
          uuids.set(u, mapped);
          return mapped;
        });
      }
      if (Array.isArray(value)) return value.map(rewrite);
      if (value && typeof value === 'object') {
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return value;
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, KEEP.has(k) ? v : rewrite(v)]),
        );
      }
      return value;
    };
    for (const entry of entries) {
      if (entry.kind === 'payon') {
        const method = (api.deps.payon as unknown as Record<string, (...a: unknown[]) => unknown>)[
          entry.method
        ];
        if (!method) throw new Error(`no PAYON method ${entry.method}`);
        await method.apply(api.deps.payon, entry.args.map(rewrite));
        continue;
      }
      const [service = '', name = ''] = entry.command.split(':');
      const Command = COMMANDS[service]?.[name] as (new (input: unknown) => unknown) | undefined;
      if (!Command) throw new Error(`no command ${entry.command}`);
      const input = rewrite(entry.input);
      await entry.client.send(new Command(input)).catch((error: unknown) => {
        throw new Error(`replaying ${entry.command} ${JSON.stringify(input)}: ${String(error)}`);
      });
    }
  }
}
