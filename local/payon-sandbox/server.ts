/**
 * startSandbox: the HTTP server (node:http) that routes /pg (merchant API), /checkout (hosted
 * pages) and /_sandbox (admin), applies injected faults, journals and logs every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  AdminError,
  adminAddFault,
  adminClock,
  adminComplete3ds,
  adminPay,
  adminRoute,
  adminSetBehaviour,
  adminSetChaos,
  adminSetProfile,
  adminUpdateMerchant,
  type PaymentResult,
  stateView,
} from './admin.ts';
import { checkoutRoute } from './checkout.ts';
import { createClock } from './clock.ts';
import {
  type MerchantConfig,
  resolveConfig,
  type SandboxBehaviour,
  type SandboxOptions,
} from './config.ts';
import type { ReconciliationScript, SandboxContext } from './context.ts';
import {
  bodyTxIds,
  type Fault,
  type FaultInput,
  FaultTable,
  fiveXxBody,
  MALFORMED_BODY,
  scriptedAnswer,
} from './faults.ts';
import {
  type Answer,
  html,
  isRecord,
  json,
  parseJson,
  readBody,
  type SandboxRequest,
  text,
  unauthorized,
  writeAnswer,
} from './http.ts';
import { Journal, redact, redactHeaders } from './journal.ts';
import { Ledger, type Transaction } from './ledger.ts';
import type { AdminOutcome } from './payments.ts';
import { pgHandler } from './pg-api.ts';
import { mulberry32, randomSeed } from './prng.ts';
import {
  type AmbiguitySettings,
  type HostilitySettings,
  type ProfileName,
  type ProfileSettings,
  Profiles,
} from './profiles.ts';
import { DEFAULT_CHAOS, type PushChaos, PushDispatcher } from './push.ts';
import { createPinDecryptor, generatePayonKeyPair, type PayonKeyPair } from './rsa.ts';
import { readSnapshot, type Snapshot, SnapshotSaver } from './snapshot.ts';

export type { PaymentResult } from './admin.ts';
export type { MerchantConfig, OrdersFlags, SandboxBehaviour, SandboxOptions } from './config.ts';
export type { ReconciliationScript } from './context.ts';
export type { Fault, FaultInput, FaultKind } from './faults.ts';
export type { Journal, JournalEntry, PushEntry, RequestEntry } from './journal.ts';
export type { Attempt, MoneyMove, Transaction } from './ledger.ts';
export type {
  AmbiguitySettings,
  HostilitySettings,
  ProfileName,
  ProfileSettings,
} from './profiles.ts';
export type { PushChaos } from './push.ts';

export type MerchantPatch = { [K in keyof MerchantConfig]?: MerchantConfig[K] | null };

export interface Sandbox {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Base of checkout links. */
  readonly publicUrl: string;
  readonly seed: number;
  readonly journal: Journal;
  readonly payonPublicKeyPem: string;
  readonly merchants: readonly MerchantConfig[];
  stop(): Promise<void>;
  /**
   * Completes a checkout without a browser (same effects as the pages). A declined attempt
   * leaves the order payable until its expiry. `{ late: true }` (outcome approve) approves even
   * past expiry or after declined attempts: PAYON's late answer, as one more attempt. `card`
   * picks the card paid with (a test card number).
   */
  pay(
    txId: string,
    outcome?: AdminOutcome,
    options?: { readonly card?: string; readonly late?: boolean },
  ): PaymentResult;
  complete3ds(txId: string, otp?: string): PaymentResult;
  addFault(fault: FaultInput): Fault;
  clearFaults(): void;
  advanceClock(ms: number): void;
  setClock(instant: string): void;
  now(): number;
  settle(txIds?: readonly string[]): string[];
  reset(): void;
  setPushChaos(chaos: Partial<PushChaos>): PushChaos;
  /** The orders-list readings in force (options ordersRowsPerMove / ordersFlags at start). */
  behaviour(): SandboxBehaviour;
  /** Switches orders-list readings at run time; `reset()` returns to the start options. */
  setBehaviour(patch: Partial<SandboxBehaviour>): SandboxBehaviour;
  /** The PAYON profile in force (option `profile` at start; docs/sandbox.md#profiles). */
  profile(): ProfileName;
  /**
   * Switches the profile at run time, optionally with knobs merged over the ones in force;
   * `reset()` returns to the start profile. Answers the profile and its knobs.
   */
  setProfile(
    name: ProfileName,
    knobs?: {
      readonly ambiguity?: Partial<AmbiguitySettings>;
      readonly hostility?: Partial<HostilitySettings>;
    },
  ): ProfileSettings;
  /** Updates (or adds) a merchant; `null` removes notifyUrl/returnUrl/name/signingPublicKeyPem. */
  updateMerchant(merchantId: string, patch: MerchantPatch): MerchantConfig;
  transaction(txId: string): Transaction | undefined;
  state(): Record<string, unknown>;
  /** Resolves when every push queued so far was sent, dropped or failed. */
  pushesSettled(): Promise<void>;
  /** Whether the customer's passcode, as the sandbox decrypted and stored it, is `pin`. */
  pinMatches(merchantId: string, clientId: string, pin: string): boolean;
  /** PAYON's reconciliation answers `txId` so from now on (fees, refusals the ledger cannot make). */
  scriptReconciliation(txId: string, script: ReconciliationScript): void;
  /**
   * Volume tests: records approved card purchases directly in the ledger (no HTTP, no push), as
   * if each had been registered and paid now. Returns how many were added.
   */
  seedApproved(input: {
    readonly merchantId: string;
    readonly txIds: Iterable<string>;
    readonly amountCents: number;
  }): number;
}

function unwrap<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AdminError) throw new Error(error.message);
    throw error;
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = resolveConfig(options);
  const snapshot = config.snapshotFile ? readSnapshot(config.snapshotFile) : undefined;
  const seed = config.seed ?? snapshot?.seed ?? randomSeed();
  const sameSeed = snapshot !== undefined && snapshot.seed === seed;
  const chaosRng = mulberry32(seed, sameSeed ? snapshot.chaosRngState : undefined);
  const idRng = mulberry32(seed ^ 0x9e3779b9, sameSeed ? snapshot.idRngState : undefined);
  const clock = createClock(snapshot?.clockOffsetMs ?? 0);
  let generatedKeyPair: PayonKeyPair | null = null;
  let keyPair = config.payonKeyPair;
  if (!keyPair) {
    generatedKeyPair = snapshot?.generatedKeyPair ?? generatePayonKeyPair();
    keyPair = generatedKeyPair;
  }
  const journal = new Journal();
  const initialChaos: PushChaos = { ...DEFAULT_CHAOS, ...config.pushChaos };
  const push = new PushDispatcher({
    journal,
    rng: chaosRng,
    timeoutMs: config.pushTimeoutMs,
    chaos: { ...initialChaos },
  });
  const ledger = new Ledger(clock, idRng, snapshot?.ledger);
  const profiles = new Profiles(seed, config.profile);
  push.tamper = (message, approved) =>
    profiles.tamperPush(message, approved, (txId) => ledger.find(txId) !== undefined);
  const faults = new FaultTable();
  let publicUrl = config.publicUrl ?? '';

  const ctx: SandboxContext = {
    config,
    seed,
    clock,
    ledger,
    journal,
    push,
    faults,
    chaosRng,
    idRng,
    pins: createPinDecryptor(keyPair, config.rsaPadding),
    behaviour: { ...config.behaviour },
    profiles,
    publicUrl: () => publicUrl,
    merchant: (merchantId) => config.merchants.get(merchantId),
    reconciliationAnswers: new Map(),
  };

  const takeSnapshot = (): Snapshot => ({
    version: 1,
    savedAt: new Date().toISOString(),
    seed,
    clockOffsetMs: clock.offsetMs(),
    chaosRngState: chaosRng.state(),
    idRngState: idRng.state(),
    ledger: ledger.state(),
    generatedKeyPair,
  });
  const saver = config.snapshotFile
    ? new SnapshotSaver({
        file: config.snapshotFile,
        debounceMs: config.snapshotDebounceMs,
        take: takeSnapshot,
        onError: (error) => config.log(`snapshot not saved: ${String(error)}`),
      })
    : undefined;
  const changed = () => saver?.schedule();
  ledger.onChange = changed;

  const reset = () => {
    ledger.reset();
    journal.clear();
    faults.clear();
    ctx.reconciliationAnswers.clear();
    clock.set(Date.now());
    push.chaos = { ...initialChaos };
    ctx.behaviour = { ...config.behaviour };
    profiles.reset();
    changed();
  };

  // ---------------------------------------------------------------- faults and waiting
  const waits = new Set<() => void>();
  const sleep = (ms: number, until?: Promise<void>) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waits.add(done);
      until?.then(done, done);
    });

  async function deliverFault(
    fault: Fault,
    {
      req,
      res,
      compute,
    }: {
      readonly req: IncomingMessage;
      readonly res: ServerResponse;
      /** The endpoint's own answer, for a fault that delays it or applies it first. */
      readonly compute: () => Answer;
    },
  ) {
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    const applied = fault.applyFirst ? compute() : undefined;
    switch (fault.kind) {
      case 'latency':
        await sleep(fault.ms, closed);
        writeAnswer(res, applied ?? compute());
        return;
      case 'answer':
        writeAnswer(res, scriptedAnswer(fault));
        return;
      case '5xx':
        writeAnswer(res, html(fault.status, fiveXxBody(fault.status)));
        return;
      case 'malformed':
        writeAnswer(res, text(200, MALFORMED_BODY, 'application/json; charset=utf-8'));
        return;
      case '401-once':
        writeAnswer(res, unauthorized());
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'timeout':
        await sleep(fault.ms, closed);
        req.socket.destroy();
        return;
      default: {
        const unhandled: never = fault;
        throw new Error(`fault kind ${String(unhandled)} is not delivered`);
      }
    }
  }

  // ---------------------------------------------------------------- requests
  /**
   * Answers a request. A fault taken for it is named in the result (for the journal) with its
   * delivery, which may still be running (a latency, a timeout).
   */
  function route(
    req: IncomingMessage,
    res: ServerResponse,
    request: SandboxRequest,
  ): { readonly fault?: string; readonly delivering?: Promise<void> } {
    const { method, url, body } = request;
    const path = url.pathname;
    if (path.startsWith('/pg/')) {
      const handler = pgHandler(ctx, path);
      if (!handler) {
        writeAnswer(res, json(404, { resultCode: '9999', resultMsg: `No PAYON endpoint ${path}` }));
        return {};
      }
      if (method !== 'POST') {
        writeAnswer(res, json(405, { resultCode: '9999', resultMsg: 'Use POST' }));
        return {};
      }
      const parsed = parseJson(body);
      const compute = (): Answer => {
        if (!parsed.ok) return json(400, { resultCode: '9999', resultMsg: 'Malformed JSON' });
        return handler(ctx, parsed.value, req.headers);
      };
      const fault = faults.take(path, parsed.ok ? bodyTxIds(parsed.value) : []);
      if (fault) {
        const name = fault.kind === 'answer' ? `answer ${fault.status}` : fault.kind;
        return {
          fault: fault.applyFirst ? `${name} (applied first)` : name,
          delivering: deliverFault(fault, { req, res, compute }),
        };
      }
      // The profile's own faults (profiles.ts), after any armed one: delivered the same way.
      const profileFault = profiles.requestFault(path);
      if (profileFault) {
        return {
          fault: `profile: ${profileFault.reason}${profileFault.applyFirst ? ' (applied first)' : ''}`,
          delivering: deliverFault(profileFault, { req, res, compute }),
        };
      }
      writeAnswer(res, compute());
      return {};
    }
    const answer =
      checkoutRoute(ctx, request) ??
      adminRoute(ctx, { reset, changed }, request) ??
      json(404, { error: `nothing at ${method} ${path}` });
    writeAnswer(res, answer);
    return {};
  }

  function journalBody(path: string, body: string): unknown {
    if (body === '') return null;
    if (path.startsWith('/checkout/')) return redact(Object.fromEntries(new URLSearchParams(body)));
    const parsed = parseJson(body);
    return parsed.ok ? redact(parsed.value) : `[not JSON, ${Buffer.byteLength(body)} bytes]`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const started = performance.now();
    const arrivedMs = Date.now();
    const sandboxTime = new Date(clock.now()).toISOString();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname;
    const journaled = path.startsWith('/pg/') || path.startsWith('/checkout/');
    let recordedBody: unknown = null;
    let fault: string | undefined;
    res.once('close', () => {
      const status = res.headersSent ? res.statusCode : 0;
      const durationMs = Math.round(performance.now() - started);
      config.log(`${method} ${path} ${status} ${durationMs}ms`);
      if (!journaled) return;
      journal.add({
        kind: 'request',
        seq: journal.nextSeq(),
        at: new Date(arrivedMs).toISOString(),
        atMs: arrivedMs,
        sandboxTime,
        method,
        path,
        headers: redactHeaders(req.headers, config.authHeader),
        body: recordedBody,
        status,
        durationMs,
        ...(fault ? { fault } : {}),
      });
    });
    const body = await readBody(req);
    if (!body.ok) {
      if (body.reason === 'too-large') {
        recordedBody = '[body over 1 MB refused]';
        res.setHeader('connection', 'close');
        writeAnswer(
          res,
          json(413, { resultCode: '9999', resultMsg: 'Request body too large (limit 1 MB)' }),
        );
      }
      return;
    }
    recordedBody = journaled ? journalBody(path, body.text) : null;
    try {
      const routed = route(req, res, { method, url, body: body.text });
      fault = routed.fault;
      await routed.delivering;
    } catch (error) {
      config.log(
        `error on ${method} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
      writeAnswer(res, json(500, { resultCode: '9999', resultMsg: 'System error' }));
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostText = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostText}:${port}`;
  if (!publicUrl) publicUrl = url;
  changed();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const wake of [...waits]) wake();
      for (const socket of sockets) socket.destroy();
      await push.stop();
      await closed;
      if (saver) {
        saver.schedule();
        saver.flush();
      }
    })();
    return stopping;
  };

  return {
    url,
    port,
    publicUrl,
    seed,
    journal,
    payonPublicKeyPem: ctx.pins.publicKeyPem,
    get merchants() {
      return [...config.merchants.values()];
    },
    stop,
    pay: (txId, outcome, options) =>
      unwrap(() =>
        adminPay(ctx, txId, {
          ...(outcome ? { outcome } : {}),
          ...(options?.card ? { card: options.card } : {}),
          ...(options?.late ? { late: true } : {}),
        }),
      ),
    complete3ds: (txId, otp) => unwrap(() => adminComplete3ds(ctx, txId, otp)),
    addFault: (fault) => unwrap(() => adminAddFault(ctx, fault)),
    clearFaults: () => faults.clear(),
    advanceClock: (ms) => {
      unwrap(() => adminClock(ctx, { advanceMs: ms }));
      changed();
    },
    setClock: (instant) => {
      unwrap(() => adminClock(ctx, { set: instant }));
      changed();
    },
    now: () => clock.now(),
    settle: (txIds) => ledger.settle(txIds),
    reset,
    setPushChaos: (chaos) => unwrap(() => adminSetChaos(ctx, chaos)),
    behaviour: () => ({ ...ctx.behaviour }),
    setBehaviour: (patch) => unwrap(() => adminSetBehaviour(ctx, patch)),
    profile: () => profiles.name,
    setProfile: (name, knobs) => unwrap(() => adminSetProfile(ctx, { profile: name, ...knobs })),
    updateMerchant: (merchantId, patch) =>
      unwrap(() => adminUpdateMerchant(ctx, merchantId, isRecord(patch) ? patch : {})),
    transaction: (txId) => ledger.find(txId),
    state: () => stateView(ctx),
    pushesSettled: () => push.settled(),
    pinMatches: (merchantId, clientId, pin) => ledger.checkPin(merchantId, clientId, pin),
    scriptReconciliation: (txId, script) => {
      ctx.reconciliationAnswers.set(txId, script);
    },
    seedApproved: ({ merchantId, txIds, amountCents }) => {
      const merchant = config.merchants.get(merchantId);
      if (!merchant) throw new Error(`no merchant ${merchantId}`);
      let added = 0;
      for (const txId of txIds) {
        const tx = ledger.register(
          {
            txId,
            merchantId,
            termId: merchant.termId,
            trt: '10',
            amountCents,
            paymentMethod: 'CREDIT_DEBIT',
            payDvCd: null,
            clientId: null,
            bindingId: null,
            buyerId: null,
            sellerId: null,
            checkout: 'card',
            paymentType: '02',
            expiryMs: 15 * 60_000,
          },
          () => null,
        );
        if ('txId' in tx) {
          ledger.approve(tx, { card: null, via: 'seeded' });
          added += 1;
        }
      }
      changed();
      return added;
    },
  };
}
