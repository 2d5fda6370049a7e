/**
 * The commands of the lifecycle model: what a merchant, a customer, PAYON (playing any answer its
 * documentation allows), an attacker on the push channel, the schedule and an operator can do to
 * a payment. Each runs against the real system and then the checker. The model keeps what the
 * run made (payments, saved cards) and the states the checker last read.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { FaultInput } from '#local/payon-sandbox/index.ts';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import {
  type Checker,
  InvariantViolation,
  MOVE_PATHS,
  TALLY,
  type TrackedPayment,
} from '#test/model/checker.ts';
import { type Harness, LATE_MS } from '#test/model/harness.ts';
import type { ApiResponse } from '#test/support/api.ts';
import { RETURN_ORIGIN } from '#test/support/api.ts';

export interface ModelPayment extends TrackedPayment {
  readonly bindingId: string | undefined;
  /** The last push body sent for it (for duplicates). */
  lastPush: Record<string, unknown> | undefined;
}

export interface Model {
  readonly payments: ModelPayment[];
  readonly bindings: { clientId: string; bindingId: string }[];
  /** States the checker read after the last command. */
  readonly states: Map<string, string>;
  readonly maxPayments: number;
}

export interface Real {
  readonly h: Harness;
  readonly checker: Checker;
  /** Txids every item of which the run has seen (a failed registration is found by a scan). */
  readonly known: Set<string>;
  readonly customers: string[];
}

type Cmd = fc.AsyncCommand<Model, Real, false>;

const VISA = '4111111111111111';
const INSUFFICIENT = '4000000000009995';
const PIN = '917364';
const usd = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

function pick<T>(list: readonly T[], index: number): T | undefined {
  return list.length === 0 ? undefined : list[index % list.length];
}

/** The payment a command acted on last, for its report: `[…123456 purchase]`. */
const label = (p: ModelPayment | undefined) => (p ? ` [${p.txId.slice(-6)} ${p.kind}]` : '');

/** Runs the checker after a command; fails the run with what the command was. */
async function afterCommand(m: Model, r: Real, what: string): Promise<void> {
  TALLY.commands += 1;
  const started = Date.now();
  const states = await r.checker.check(`after ${what}`, m.payments);
  for (const [txId, item] of states) m.states.set(txId, String(item.state));
  if (process.env.MODEL_DEBUG) {
    console.log(
      `${what}: ${[...states.values()].map((i) => i.state).join(' ')} (check ${Date.now() - started} ms)`,
    );
  }
}

/** No handler answers a bare 500: every failure has its own code (STYLE.md, errors). */
function answered(response: ApiResponse, what: string): ApiResponse {
  TALLY.checks += 1;
  if (response.status === 500) {
    TALLY.violations += 1;
    throw new InvariantViolation(
      `${what} answered ${response.status}: ${response.text.slice(0, 300)}`,
    );
  }
  return response;
}

// ---------------------------------------------------------------------------------------------
// Faults PAYON may play on a money move or a read

export type FaultSpec =
  | { kind: '5xx'; status: 500 | 502 | 503; applyFirst: boolean }
  | { kind: 'timeout' | 'reset' | 'malformed' | '401-once'; applyFirst: boolean }
  | { kind: 'refusal'; code: '3003' | '0001' | '0002' };

const faultSpec: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('5xx' as const),
    status: fc.constantFrom(500 as const, 502 as const, 503 as const),
    applyFirst: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom(
      'timeout' as const,
      'reset' as const,
      'malformed' as const,
      '401-once' as const,
    ),
    applyFirst: fc.boolean(),
  }),
  // A refusal means PAYON did nothing; "moved but answered 3003" is not something PAYON's
  // documentation allows (the 401 case is: see 401-once with applyFirst).
  fc.record({
    kind: fc.constant('refusal' as const),
    code: fc.constantFrom('3003' as const, '0001' as const, '0002' as const),
  }),
);

const showFault = (f: FaultSpec | null) =>
  f === null
    ? ''
    : f.kind === 'refusal'
      ? `, PAYON refuses ${f.code}`
      : `, ${f.kind}${f.kind === '5xx' ? ` ${f.status}` : ''}${f.applyFirst ? ' after applying' : ''}`;

function armMoveFault(h: Harness, path: string, txId: string, f: FaultSpec): void {
  const common = { path, txId };
  let fault: FaultInput;
  if (f.kind === 'refusal') {
    fault = {
      ...common,
      kind: 'answer',
      json: {
        txId,
        resultCode: f.code,
        resultMessage: f.code === '3003' ? 'Invalid Transaction' : 'Invalid request',
      },
    };
  } else if (f.kind === '5xx') {
    fault = { ...common, kind: '5xx', status: f.status, applyFirst: f.applyFirst };
  } else if (f.kind === 'timeout') {
    // The product gives up at PAYON_TIMEOUT_MS; the sandbox closes the socket after.
    fault = { ...common, kind: 'timeout', ms: LATE_MS, applyFirst: f.applyFirst };
  } else {
    fault = { ...common, kind: f.kind, applyFirst: f.applyFirst };
  }
  h.api.sandbox.addFault(fault);
}

function armReadFault(h: Harness, txId: string, f: FaultSpec, orders: boolean): void {
  // The orders list is read by day (no txId in its body): its fault hits the next read.
  const path = orders ? '/pg/orders' : '/pg/transaction/status';
  const filter = orders ? {} : { txId };
  if (f.kind === 'refusal') {
    h.api.sandbox.addFault({
      path,
      ...filter,
      kind: 'answer',
      json: { resultCode: f.code, resultMsg: 'Invalid request', resultData: null },
    });
  } else if (f.kind === '5xx') {
    h.api.sandbox.addFault({ path, ...filter, kind: '5xx', status: f.status });
  } else if (f.kind === 'timeout') {
    h.api.sandbox.addFault({ path, ...filter, kind: 'timeout', ms: LATE_MS });
  } else {
    h.api.sandbox.addFault({ path, ...filter, kind: f.kind });
  }
}

// ---------------------------------------------------------------------------------------------
// Commands

class Register implements Cmd {
  constructor(
    readonly kind: 'purchase' | 'preauth',
    readonly amountMinor: number,
    readonly savedCard: number | null,
    /** What the customer does at PAYON's checkout right away (most pay at once). */
    readonly then: 'approve' | 'decline' | 'wait',
  ) {}
  check(m: Readonly<Model>) {
    return m.payments.length < m.maxPayments;
  }
  async run(m: Model, r: Real) {
    const binding = this.savedCard === null ? undefined : pick(m.bindings, this.savedCard);
    const answer = answered(
      await r.h.api.call('POST', '/payments', {
        idempotencyKey: randomUUID(),
        body: {
          kind: this.kind,
          amount: { value: usd(this.amountMinor), currency: 'USD' },
          paymentMethod: 'CREDIT_DEBIT',
          returnUrl: `${RETURN_ORIGIN}/done`,
          ...(binding ? { savedCard: binding } : {}),
        },
      }),
      'POST /payments',
    );
    let txIds: string[] = [];
    if (answer.status === 201) txIds = [String((answer.body as { id: string }).id)];
    else {
      // Not registered (PAYON unanswered): whatever the product stored is still tracked.
      txIds = (await r.h.api.scan())
        .filter((i) => i.type === 'payment' && !r.known.has(String(i.txId)))
        .map((i) => String(i.txId));
    }
    for (const txId of txIds) {
      r.known.add(txId);
      m.payments.push({
        txId,
        kind: this.kind,
        amountMinor: this.amountMinor,
        bindingId: binding?.bindingId,
        lastPush: undefined,
      });
      TALLY.payments += 1;
    }
    if (answer.status === 201 && this.then !== 'wait') {
      for (const txId of txIds) {
        try {
          const result = r.h.api.sandbox.pay(txId, this.then);
          if (result.state === 'AWAITING_OTP') r.h.api.sandbox.complete3ds(txId);
        } catch {
          // Not payable.
        }
      }
      await r.h.settlePushes();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    const then = { approve: ', customer pays', decline: ', customer declined', wait: '' }[
      this.then
    ];
    const saved = this.savedCard === null ? '' : `, saved card #${this.savedCard}`;
    return `register(${this.kind} $${usd(this.amountMinor)}${saved}${then})`;
  }
}

class PayAtPayon implements Cmd {
  on = '';
  constructor(
    readonly target: number,
    readonly outcome: 'approve' | 'decline' | 'insufficient_funds' | 'abandon',
  ) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  async run(m: Model, r: Real) {
    const p = pick(m.payments, this.target);
    this.on = label(p);
    const sandbox = r.h.api.sandbox;
    if (p && this.outcome !== 'abandon') {
      try {
        const result = sandbox.pay(p.txId, this.outcome);
        if (result.state === 'AWAITING_OTP') sandbox.complete3ds(p.txId);
      } catch {
        // Not payable (approved, expired): PAYON's checkout says so; nothing happens.
      }
      await r.h.settlePushes();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    const what = {
      approve: 'pays (approved)',
      decline: 'is declined',
      insufficient_funds: 'is declined (insufficient funds)',
      abandon: 'abandons the checkout',
    }[this.outcome];
    return `customer of #${this.target}${this.on} ${what}`;
  }
}

class LateApproval implements Cmd {
  on = '';
  constructor(readonly target: number) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  async run(m: Model, r: Real) {
    const p = pick(m.payments, this.target);
    this.on = label(p);
    if (p) {
      try {
        r.h.api.sandbox.pay(p.txId, 'approve', { late: true });
      } catch {
        // Already approved.
      }
      await r.h.settlePushes();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return `PAYON approves #${this.target}${this.on} late`;
  }
}

type PushVariant = 'true' | 'forged' | 'duplicate' | 'late';

class Push implements Cmd {
  on = '';
  constructor(
    readonly target: number,
    readonly variant: PushVariant,
  ) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  async run(m: Model, r: Real) {
    const p = pick(m.payments, this.target);
    this.on = label(p);
    if (p) {
      const tx = r.h.api.sandbox.transaction(p.txId);
      const approved = tx?.attempts.some((a) => a.resultCd === '0000') ?? false;
      const success = { txId: p.txId, resultCode: '0000', resultMsg: 'Success' };
      const error = { txId: p.txId, resultCode: '9999', resultMsg: 'Error' };
      const body =
        this.variant === 'true'
          ? approved
            ? success
            : error
          : this.variant === 'forged'
            ? approved
              ? error
              : success
            : this.variant === 'late'
              ? error // a decline arriving after whatever happened since
              : (p.lastPush ?? success);
      p.lastPush = body;
      answered(await r.h.api.push(body), 'push');
      await r.h.settlePushes();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return `${this.variant} push for #${this.target}${this.on}`;
  }
}

class MoneyMove implements Cmd {
  on = '';
  constructor(
    readonly op: 'capture' | 'cancel' | 'refund',
    readonly target: number,
    readonly fit: boolean,
    readonly amount: 'full' | 'part' | 'over',
    readonly fault: FaultSpec | null,
  ) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  private candidates(m: Model): ModelPayment[] {
    if (!this.fit) return m.payments;
    const fits = m.payments.filter((p) => {
      const state = m.states.get(p.txId);
      if (this.op === 'capture') return state === 'AUTHORIZED';
      if (this.op === 'cancel') return state === 'AUTHORIZED' || state === 'SUCCEEDED';
      return state === 'SUCCEEDED';
    });
    return fits.length > 0 ? fits : m.payments;
  }
  async run(m: Model, r: Real) {
    const p = pick(this.candidates(m), this.target);
    this.on = label(p);
    if (p) {
      if (this.fault) armMoveFault(r.h, MOVE_PATHS[this.op], p.txId, this.fault);
      const amountMinor =
        this.op === 'cancel' || this.amount === 'full'
          ? undefined
          : this.amount === 'part'
            ? Math.max(1, Math.floor(p.amountMinor / 2))
            : p.amountMinor + 100;
      const body =
        amountMinor === undefined ? {} : { amount: { value: usd(amountMinor), currency: 'USD' } };
      answered(
        await r.h.api.call('POST', `/payments/${p.txId}/${this.op}`, {
          idempotencyKey: randomUUID(),
          body,
        }),
        `POST /payments/{id}/${this.op}`,
      );
      // A fault the call never reached (refused before PAYON) must not hit a later one.
      r.h.api.sandbox.clearFaults();
      await r.h.settlePushes();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    const amount = this.op === 'cancel' || this.amount === 'full' ? '' : ` ${this.amount} amount`;
    return `${this.op} ${this.fit ? 'a fitting' : 'any'} #${this.target}${this.on}${amount}${showFault(this.fault)}`;
  }
}

class Sync implements Cmd {
  on = '';
  constructor(
    readonly target: number,
    readonly fault: FaultSpec | null,
    readonly onOrders: boolean,
  ) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  async run(m: Model, r: Real) {
    const p = pick(m.payments, this.target);
    this.on = label(p);
    if (p) {
      if (this.fault) armReadFault(r.h, p.txId, this.fault, this.onOrders);
      answered(await r.h.api.call('GET', `/payments/${p.txId}?sync=true`), 'GET ?sync=true');
      r.h.api.sandbox.clearFaults();
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    const where = this.fault
      ? ` (${this.onOrders ? 'orders list' : 'status'}${showFault(this.fault)})`
      : '';
    return `sync #${this.target}${this.on}${where}`;
  }
}

class SweepTick implements Cmd {
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await sweepOnce(r);
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return 'sweep tick';
  }
}

class TimePasses implements Cmd {
  constructor(readonly ms: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    r.h.advance(this.ms);
    await afterCommand(m, r, this.toString());
  }
  toString() {
    const s = this.ms / 1000;
    return `time passes ${s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 360) / 10} h`}`;
  }
}

class Bind implements Cmd {
  constructor(
    readonly customer: number,
    readonly card: 'visa' | 'insufficient',
    readonly withPin: boolean,
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    const clientId = pick(r.customers, this.customer) ?? 'cust';
    const number = this.card === 'visa' ? VISA : INSUFFICIENT;
    const answer = answered(
      await r.h.api.call('POST', `/customers/${clientId}/bindings`, {
        idempotencyKey: randomUUID(),
        body: {
          card: { number, cvv: '123', expiry: '2030-12', holderName: 'Sok Chan' },
          requestedAt: new Date(r.h.now()).toISOString(),
          ...(this.withPin ? { pin: PIN } : {}),
        },
      }),
      'POST /customers/{clientId}/bindings',
    );
    if (answer.status === 201) {
      const bindingId = (answer.body as { binding: { id: string } }).binding.id;
      m.bindings.push({ clientId, bindingId });
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return `bind ${this.card} card for customer #${this.customer}${this.withPin ? ' with a PIN' : ''}`;
  }
}

class Resolve implements Cmd {
  on = '';
  constructor(readonly target: number) {}
  check(m: Readonly<Model>) {
    return [...m.states.values()].includes('UNKNOWN');
  }
  async run(m: Model, r: Real) {
    const unknown = m.payments.filter((p) => m.states.get(p.txId) === 'UNKNOWN');
    const p = pick(unknown, this.target);
    this.on = label(p);
    if (p) {
      const [item] = await r.h.getItems([{ pk: `PAY#${p.txId}`, sk: 'PAYMENT' }]);
      const tx = r.h.api.sandbox.transaction(p.txId);
      if (item?.state === 'UNKNOWN') {
        // The operator asked PAYON and knows: the model reads the ledger.
        const op = String(item.unknownOperation);
        const happened =
          op === 'capture'
            ? tx?.completion != null
            : op === 'cancel'
              ? tx?.reversal != null
              : op === 'refund'
                ? tx?.refund != null
                : tx !== undefined;
        answered(
          await r.h.api.call('POST', `/payments/${p.txId}/resolve`, {
            idempotencyKey: randomUUID(),
            body: {
              outcome: happened ? 'happened' : 'did_not_happen',
              reason: `model operator: PAYON's back office says the ${op} ${happened ? 'went through' : 'did not go through'}`,
            },
          }),
          'POST /payments/{id}/resolve',
        );
      }
    }
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return `operator resolves UNKNOWN #${this.target}${this.on}`;
  }
}

class Reconcile implements Cmd {
  on = '';
  constructor(readonly target: number) {}
  check(m: Readonly<Model>) {
    return m.payments.length > 0;
  }
  async run(m: Model, r: Real) {
    const p = pick(m.payments, this.target);
    this.on = label(p);
    const [item] = p ? await r.h.getItems([{ pk: `PAY#${p.txId}`, sk: 'PAYMENT' }]) : [];
    const day = cambodiaDay(new Date(String(item?.createdAt ?? new Date(r.h.now()).toISOString())));
    await reconcile(r, day);
    await afterCommand(m, r, this.toString());
  }
  toString() {
    return `reconcile the day of #${this.target}${this.on}`;
  }
}

/** One sweep run, as the schedule invokes it; it never throws (a stopped-early report is fine). */
export async function sweepOnce(r: Real) {
  TALLY.checks += 1;
  try {
    return await r.h.api.sweep();
  } catch (error) {
    TALLY.violations += 1;
    throw new InvariantViolation(`the sweep aborted: ${String(error)}`);
  }
}

/** `POST /reconciliations` and its run; the run never aborts. */
export async function reconcile(r: Real, day: string): Promise<void> {
  const starter = r.h.api.reconciliationStarter;
  const before = starter.failures;
  const started = answered(
    await r.h.api.call('POST', '/reconciliations', { body: { day } }),
    'POST /reconciliations',
  );
  await starter.idle();
  TALLY.checks += 2;
  if (started.status !== 202 && started.status !== 409) {
    TALLY.violations += 1;
    throw new InvariantViolation(
      `POST /reconciliations answered ${started.status}: ${started.text}`,
    );
  }
  if (starter.failures !== before) {
    TALLY.violations += 1;
    throw new InvariantViolation(`the reconciliation run of ${day} aborted`);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const target = fc.nat({ max: 63 });
const MINUTE = 60_000;

/** Weighted by repetition (fast-check picks the arbitraries of `fc.commands` uniformly). */
function weighted(entries: readonly (readonly [fc.Arbitrary<Cmd>, number])[]): fc.Arbitrary<Cmd>[] {
  return entries.flatMap(([arb, weight]) => Array.from({ length: weight }, () => arb));
}

export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const register = fc
    .tuple(
      fc.constantFrom('purchase' as const, 'preauth' as const),
      fc.integer({ min: 100, max: 50_000 }),
      fc.option(fc.nat({ max: 7 }), { freq: 4 }),
      fc.constantFrom('approve' as const, 'approve' as const, 'decline' as const, 'wait' as const),
    )
    .map(([kind, amount, saved, then]) => new Register(kind, amount, saved, then));
  const pay = fc
    .tuple(
      target,
      fc.constantFrom(
        'approve' as const,
        'approve' as const,
        'approve' as const,
        'decline' as const,
        'insufficient_funds' as const,
        'abandon' as const,
      ),
    )
    .map(([t, o]) => new PayAtPayon(t, o));
  const move = (op: 'capture' | 'cancel' | 'refund') =>
    fc
      .tuple(
        target,
        // Mostly a payment in a state the move fits; sometimes any (the product must refuse).
        fc.constantFrom(true, true, true, false),
        fc.constantFrom('full' as const, 'full' as const, 'part' as const, 'over' as const),
        fc.option(faultSpec, { freq: 2 }),
      )
      .map(([t, fit, amount, fault]) => new MoneyMove(op, t, fit, amount, fault));
  return weighted([
    [register, 4],
    [pay, 4],
    [target.map((t) => new LateApproval(t)), 1],
    [
      fc
        .tuple(target, fc.constantFrom<PushVariant>('true', 'forged', 'duplicate', 'late'))
        .map(([t, v]) => new Push(t, v)),
      2,
    ],
    [move('capture'), 2],
    [move('cancel'), 1],
    [move('refund'), 2],
    [
      fc
        .tuple(target, fc.option(faultSpec, { freq: 2 }), fc.boolean())
        .map(([t, f, orders]) => new Sync(t, f, orders)),
      2,
    ],
    [fc.constant(new SweepTick()), 2],
    [
      fc
        .constantFrom(5_000, 30_000, 2 * MINUTE + 5_000, 5 * MINUTE, 16 * MINUTE, 26 * MINUTE)
        .map((ms) => new TimePasses(ms)),
      2,
    ],
    [
      fc
        .constantFrom(60 * MINUTE, 6 * 60 * MINUTE, 25 * 60 * MINUTE)
        .map((ms) => new TimePasses(ms)),
      1,
    ],
    [
      fc
        .tuple(
          fc.nat({ max: 2 }),
          fc.constantFrom('visa' as const, 'insufficient' as const),
          fc.boolean(),
        )
        .map(([c, card, pin]) => new Bind(c, card, pin)),
      1,
    ],
    [target.map((t) => new Resolve(t)), 1],
    [target.map((t) => new Reconcile(t)), 1],
  ]);
}

export const SECRETS = [VISA, INSUFFICIENT, PIN];
