/**
 * Counts the I/O an operation makes, at the real boundaries: every command sent by the AWS SDK
 * clients the functions use (DynamoDB, Secrets Manager, EventBridge, SQS), and every request PAYON
 * (the sandbox) received. Counted, not estimated (issue 12).
 */
import type { Sandbox } from '#local/payon-sandbox/index.ts';

interface AnyClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

export interface IoCount {
  /** PAYON requests by path. */
  readonly payon: Record<string, number>;
  /** AWS commands by service and command name, e.g. `dynamodb:PutItemCommand`. */
  readonly aws: Record<string, number>;
  /**
   * DynamoDB's request units as DynamoDB Local reports them (`ReturnConsumedCapacity: INDEXES`
   * on every command): the table's and every index's, a transaction's twice (issue 27).
   */
  readonly units: { readonly write: number; readonly read: number };
}

interface Consumed {
  readonly CapacityUnits?: number;
}

const WRITES = /Put|Update|Delete|TransactWrite|BatchWrite/;

export class IoCounter {
  #aws: Record<string, number> = {};
  #units = { write: 0, read: 0 };
  #payonBase = 0;

  constructor(private readonly sandbox: Sandbox) {}

  /** Counts every command this client sends, under `service`. */
  watch(service: string, client: unknown): void {
    (client as AnyClient).middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '?';
        const key = `${service}:${name}`;
        this.#aws[key] = (this.#aws[key] ?? 0) + 1;
        if (service !== 'dynamodb') return next(args);
        const input = (args as { input?: Record<string, unknown> }).input;
        if (input && input.ReturnConsumedCapacity === undefined) {
          input.ReturnConsumedCapacity = 'INDEXES';
        }
        const result = await next(args);
        const consumed = (result as { output?: { ConsumedCapacity?: Consumed | Consumed[] } })
          .output?.ConsumedCapacity;
        const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
        this.#units[WRITES.test(name) ? 'write' : 'read'] += units;
        return result;
      },
      { step: 'initialize', name: `io-counter-${service}` },
    );
  }

  reset(): void {
    this.#aws = {};
    this.#units = { write: 0, read: 0 };
    this.#payonBase = this.sandbox.journal.requests().length;
  }

  read(): IoCount {
    const payon: Record<string, number> = {};
    for (const r of this.sandbox.journal.requests().slice(this.#payonBase)) {
      if (!r.path.startsWith('/pg/')) continue;
      payon[r.path] = (payon[r.path] ?? 0) + 1;
    }
    return { payon, aws: { ...this.#aws }, units: { ...this.#units } };
  }
}
