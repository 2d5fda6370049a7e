/**
 * The ledger: one record per transaction with its state machine, plus card bindings and customer
 * PINs. Everything the /pg answers, the orders list and reconciliation say is derived from here.
 *
 *   REGISTERED | DECLINED ─checkout─▶ AWAITING_OTP ─otp─▶ APPROVED | DECLINED
 *   REGISTERED | DECLINED ─checkout─▶ APPROVED | DECLINED
 *   REGISTERED | AWAITING_OTP ─clock passes expiresAt─▶ EXPIRED (no attempt) | DECLINED (declined ones)
 *   REGISTERED | AWAITING_OTP | DECLINED | EXPIRED ─admin late approval─▶ APPROVED
 *   APPROVED (trt 12) ─completion─▶ COMPLETED
 *   APPROVED | COMPLETED ─reversal (not settled)─▶ REVERSED
 *   APPROVED (trt 10) | COMPLETED ─refund─▶ REFUNDED
 *
 * A declined attempt does not end the order (PAYON answers 302/9999 both for "declined" and for
 * "not paid yet"): DECLINED stays payable on the same checkout until expiresAt. Every attempt is
 * kept in `attempts`, one orders-list row each; after an approval no further attempt is possible.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CardBehaviour } from './cards.ts';
import type { SandboxClock } from './clock.ts';
import type { Prng } from './prng.ts';
import { centsToText, formatDate8 } from './wire-format.ts';

export type TxState =
  | 'REGISTERED'
  | 'AWAITING_OTP'
  | 'APPROVED'
  | 'DECLINED'
  | 'EXPIRED'
  | 'COMPLETED'
  | 'REVERSED'
  | 'REFUNDED';

export type CheckoutKind = 'card' | 'payon-card' | 'khqr' | 'wallet' | 'saved-card';

export interface CardMask {
  first6: string;
  last4: string;
  length: number;
}

export interface MoneyMove {
  approvalNo: string;
  atMs: number;
  amountCents: number;
  /** Of its own orders-list row (option `ordersRowsPerMove`). */
  txSeqNo: string;
  stan: string;
}

/** One try of the customer (or of the admin API) to pay an order. */
export interface Attempt {
  atMs: number;
  /** `0000` approved, `9999` declined. */
  resultCd: '0000' | '9999';
  /** `Success`, or the decline reason. */
  message: string;
  /** The first attempt has the order's own txSeqNo; each later one a new one. */
  txSeqNo: string;
  stan: string;
  approvalNo: string | null;
  /** An admin "late" approval: PAYON approving past expiry or after declined attempts. */
  late: boolean;
}

export interface HistoryEntry {
  at: string;
  state: TxState;
  event: string;
  detail?: string;
}

export interface Transaction {
  txId: string;
  merchantId: string;
  termId: string;
  trt: '10' | '12';
  amountCents: number;
  currency: 'USD';
  paymentMethod: string;
  payDvCd: string | null;
  clientId: string | null;
  bindingId: string | null;
  buyerId: string | null;
  sellerId: string | null;
  checkout: CheckoutKind;
  qrString: string | null;
  state: TxState;
  createdAtMs: number;
  expiresAtMs: number;
  txDt: string;
  txSeqNo: string;
  /** Of the latest attempt. */
  stan: string | null;
  approvalNo: string | null;
  /** Time of the latest attempt (of the approval, once approved). */
  decidedAtMs: number | null;
  /** Reason of the latest attempt while it is a decline; `null` once approved. */
  declineReason: string | null;
  /** Every attempt to pay, in order (declined ones, then at most one approval). */
  attempts: Attempt[];
  card: CardMask | null;
  /** `01` PAYON card, `02` credit/debit, `03` wallet/KHQR (sandbox decision). */
  paymentType: '01' | '02' | '03';
  /** What a correct OTP leads to while AWAITING_OTP. */
  otpThen: 'approve' | 'insufficient_funds' | null;
  completion: MoneyMove | null;
  reversal: MoneyMove | null;
  refund: MoneyMove | null;
  settled: boolean;
  history: HistoryEntry[];
}

export interface Binding {
  bindingId: string;
  merchantId: string;
  termId: string;
  clientId: string;
  paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  panFingerprint: string;
  card: CardMask;
  behaviour: CardBehaviour;
  wdlExpiry: string | null;
  wdlNm: string | null;
  phone: string | null;
  email: string | null;
  pinBlob: string;
  txDt: string;
  txSeqNo: string;
  active: boolean;
  createdAtMs: number;
}

export interface Customer {
  merchantId: string;
  clientId: string;
  pinHash: string | null;
  pinSalt: string | null;
  verifyYn: 'Y' | 'N';
}

export interface LedgerState {
  transactions: Transaction[];
  bindings: Binding[];
  customers: Customer[];
  seq: number;
  stan: number;
}

/** A refusal in PAYON's terms: resultCode and a message saying exactly why. */
export interface Refusal {
  refused: true;
  resultCode: '3003' | '9999';
  message: string;
}

const refuse = (resultCode: Refusal['resultCode'], message: string): Refusal => ({
  refused: true,
  resultCode,
  message,
});

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as Refusal).refused === true;
}

export interface RegisterInput {
  txId: string;
  merchantId: string;
  termId: string;
  trt: '10' | '12';
  amountCents: number;
  paymentMethod: string;
  payDvCd: string | null;
  clientId: string | null;
  bindingId: string | null;
  buyerId: string | null;
  sellerId: string | null;
  checkout: CheckoutKind;
  paymentType: Transaction['paymentType'];
  expiryMs: number;
}

export interface BindingInput {
  merchantId: string;
  termId: string;
  clientId: string;
  paymentMethod: 'PAYON' | 'CREDIT_DEBIT';
  pan: string;
  card: CardMask;
  behaviour: CardBehaviour;
  wdlExpiry: string | null;
  wdlNm: string | null;
  phone: string | null;
  email: string | null;
}

const customerKey = (merchantId: string, clientId: string) => `${merchantId}\u0000${clientId}`;

export function emptyLedgerState(): LedgerState {
  return { transactions: [], bindings: [], customers: [], seq: 0, stan: 0 };
}

export class Ledger {
  private transactions = new Map<string, Transaction>();
  private bindings = new Map<string, Binding>();
  private customers = new Map<string, Customer>();
  private seq = 0;
  private stan = 0;
  /** Called after every change (the snapshot saver listens). */
  onChange: () => void = () => {};

  constructor(
    private readonly clock: SandboxClock,
    private readonly rng: Prng,
    state: LedgerState = emptyLedgerState(),
  ) {
    this.load(state);
  }

  load(state: LedgerState): void {
    this.seq = state.seq;
    this.stan = state.stan;
    this.transactions = new Map(state.transactions.map((t) => [t.txId, this.upgrade(t)]));
    this.bindings = new Map(state.bindings.map((b) => [b.bindingId, b]));
    this.customers = new Map(
      state.customers.map((c) => [customerKey(c.merchantId, c.clientId), c]),
    );
  }

  /**
   * A transaction of a snapshot written before attempts and per-move rows existed: its one
   * attempt is its decided state, and its money moves get their own txSeqNo and stan.
   */
  private upgrade(tx: Transaction): Transaction {
    if (!Array.isArray(tx.attempts)) {
      tx.attempts = [];
      const approved = tx.approvalNo !== null;
      if (tx.decidedAtMs !== null && (approved || tx.declineReason !== null)) {
        tx.attempts.push({
          atMs: tx.decidedAtMs,
          resultCd: approved ? '0000' : '9999',
          message: approved ? 'Success' : (tx.declineReason ?? 'Declined'),
          txSeqNo: tx.txSeqNo,
          stan: tx.stan ?? this.nextStan(),
          approvalNo: tx.approvalNo,
          late: false,
        });
      }
    }
    for (const name of ['completion', 'reversal', 'refund'] as const) {
      const move: Partial<MoneyMove> | null = tx[name];
      if (move && (move.txSeqNo === undefined || move.stan === undefined)) {
        tx[name] = {
          approvalNo: move.approvalNo ?? this.approvalNo(),
          atMs: move.atMs ?? tx.createdAtMs,
          amountCents: move.amountCents ?? this.capturedCents(tx),
          txSeqNo: move.txSeqNo ?? this.nextTxSeqNo(tx.txDt),
          stan: move.stan ?? this.nextStan(),
        };
      }
    }
    return tx;
  }

  state(): LedgerState {
    return {
      transactions: [...this.transactions.values()],
      bindings: [...this.bindings.values()],
      customers: [...this.customers.values()],
      seq: this.seq,
      stan: this.stan,
    };
  }

  reset(): void {
    this.load(emptyLedgerState());
    this.onChange();
  }

  /** `yyyyMMdd` (the day it belongs to) + an 8-digit counter shared by everything numbered. */
  private nextTxSeqNo(date8: string): string {
    this.seq += 1;
    return `${date8}${String(this.seq).padStart(8, '0')}`;
  }

  private nextStan(): string {
    this.stan = (this.stan % 999_999) + 1;
    return String(this.stan).padStart(6, '0');
  }

  private approvalNo(): string {
    return String(100_000 + this.rng.int(900_000));
  }

  private transition(
    tx: Transaction,
    {
      state,
      event,
      detail,
    }: { readonly state: TxState; readonly event: string; readonly detail?: string | undefined },
  ): void {
    tx.state = state;
    const entry: HistoryEntry = { at: new Date(this.clock.now()).toISOString(), state, event };
    if (detail !== undefined) entry.detail = detail;
    tx.history.push(entry);
    this.onChange();
  }

  /**
   * Closes an unpaid order once the sandbox clock passes its expiry: EXPIRED when nobody tried to
   * pay it, DECLINED (its declined attempts stay listed) when somebody did.
   */
  private refresh(tx: Transaction): Transaction {
    if (this.clock.now() < tx.expiresAtMs) return tx;
    const detail = `not paid by ${new Date(tx.expiresAtMs).toISOString()}`;
    if (tx.state === 'REGISTERED' || tx.state === 'AWAITING_OTP') {
      tx.otpThen = null;
      if (tx.attempts.length === 0) {
        this.transition(tx, { state: 'EXPIRED', event: 'expired', detail });
      } else {
        this.transition(tx, {
          state: 'DECLINED',
          event: 'expired',
          detail: `${detail}; declined attempts only`,
        });
      }
    } else if (tx.state === 'DECLINED' && !expiredOnce(tx)) {
      this.transition(tx, {
        state: 'DECLINED',
        event: 'expired',
        detail: `${detail}; declined attempts only`,
      });
    }
    return tx;
  }

  find(txId: string): Transaction | undefined {
    const tx = this.transactions.get(txId);
    return tx ? this.refresh(tx) : undefined;
  }

  all(): Transaction[] {
    return [...this.transactions.values()].map((tx) => this.refresh(tx));
  }

  register(
    input: RegisterInput,
    qrString: (tx: Transaction) => string | null,
  ): Transaction | Refusal {
    if (this.transactions.has(input.txId)) {
      return refuse(
        '3003',
        `Invalid Transaction: duplicate txId ${input.txId} is already registered`,
      );
    }
    const now = this.clock.now();
    const tx: Transaction = {
      txId: input.txId,
      merchantId: input.merchantId,
      termId: input.termId,
      trt: input.trt,
      amountCents: input.amountCents,
      currency: 'USD',
      paymentMethod: input.paymentMethod,
      payDvCd: input.payDvCd,
      clientId: input.clientId,
      bindingId: input.bindingId,
      buyerId: input.buyerId,
      sellerId: input.sellerId,
      checkout: input.checkout,
      qrString: null,
      state: 'REGISTERED',
      createdAtMs: now,
      expiresAtMs: now + input.expiryMs,
      txDt: formatDate8(now),
      txSeqNo: this.nextTxSeqNo(formatDate8(now)),
      stan: null,
      approvalNo: null,
      decidedAtMs: null,
      declineReason: null,
      attempts: [],
      card: null,
      paymentType: input.paymentType,
      otpThen: null,
      completion: null,
      reversal: null,
      refund: null,
      settled: false,
      history: [],
    };
    tx.qrString = qrString(tx);
    this.transactions.set(tx.txId, tx);
    this.transition(tx, {
      state: 'REGISTERED',
      event: 'registered',
      detail: `${centsToText(tx.amountCents)} USD`,
    });
    return tx;
  }

  /**
   * Whether the order's time to be paid is over without an approval (checkout answers 410). Like
   * EXPIRED, it stays over when the sandbox clock is set back.
   */
  closedByExpiry(tx: Transaction): boolean {
    this.refresh(tx);
    return tx.approvalNo === null && (tx.state === 'EXPIRED' || expiredOnce(tx));
  }

  /** Whether a declined order may still be paid on the same checkout (before its expiry). */
  retryable(tx: Transaction): boolean {
    return tx.state === 'DECLINED' && !this.closedByExpiry(tx);
  }

  /** Whether checkout may still act on this transaction; the reason when not. */
  payable(tx: Transaction, forOtp = false): string | undefined {
    this.refresh(tx);
    if (this.closedByExpiry(tx)) return 'This payment link has expired.';
    if (forOtp) {
      return tx.state === 'AWAITING_OTP'
        ? undefined
        : 'No verification is pending for this payment.';
    }
    if (tx.state === 'REGISTERED' || tx.state === 'DECLINED') return undefined;
    return `This payment is already ${tx.state.toLowerCase().replace('_', ' ')}.`;
  }

  private attempt(
    tx: Transaction,
    {
      resultCd,
      message,
      late,
    }: { readonly resultCd: Attempt['resultCd']; readonly message: string; readonly late: boolean },
  ) {
    const attempt: Attempt = {
      atMs: this.clock.now(),
      resultCd,
      message,
      txSeqNo: tx.attempts.length === 0 ? tx.txSeqNo : this.nextTxSeqNo(tx.txDt),
      stan: this.nextStan(),
      approvalNo: resultCd === '0000' ? this.approvalNo() : null,
      late,
    };
    tx.attempts.push(attempt);
    tx.stan = attempt.stan;
    tx.decidedAtMs = attempt.atMs;
    tx.otpThen = null;
    return attempt;
  }

  /** An approved attempt; `late`: an admin approval past expiry or after declined attempts. */
  approve(
    tx: Transaction,
    {
      card,
      via,
      late = false,
    }: { readonly card: CardMask | null; readonly via: string; readonly late?: boolean },
  ): void {
    if (tx.approvalNo !== null) throw new Error(`${tx.txId} is already approved`);
    tx.card = card ?? tx.card;
    tx.approvalNo = this.attempt(tx, { resultCd: '0000', message: 'Success', late }).approvalNo;
    tx.declineReason = null;
    this.transition(tx, {
      state: 'APPROVED',
      event: 'approved',
      detail: `${late ? 'late, ' : ''}${via}; approvalNo ${tx.approvalNo}`,
    });
  }

  /** A declined attempt: the order stays payable until its expiry. */
  decline(tx: Transaction, card: CardMask | null, reason: string): void {
    if (tx.approvalNo !== null) throw new Error(`${tx.txId} is already approved`);
    tx.card = card ?? tx.card;
    this.attempt(tx, { resultCd: '9999', message: reason, late: false });
    tx.declineReason = reason;
    this.transition(tx, { state: 'DECLINED', event: 'declined', detail: reason });
  }

  awaitOtp(tx: Transaction, card: CardMask | null, then: 'approve' | 'insufficient_funds'): void {
    tx.card = card ?? tx.card;
    tx.otpThen = then;
    this.transition(tx, { state: 'AWAITING_OTP', event: 'otp-requested' });
  }

  /** Amount the merchant holds now: completion amount for a completed pre-auth. */
  capturedCents(tx: Transaction): number {
    return tx.completion ? tx.completion.amountCents : tx.amountCents;
  }

  private move(tx: Transaction, amountCents: number): MoneyMove {
    return {
      approvalNo: this.approvalNo(),
      atMs: this.clock.now(),
      amountCents,
      txSeqNo: this.nextTxSeqNo(tx.txDt),
      stan: this.nextStan(),
    };
  }

  complete(tx: Transaction, amountCents: number): MoneyMove | Refusal {
    this.refresh(tx);
    if (tx.trt !== '12') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is a purchase, not a pre-authorisation`,
      );
    }
    if (tx.state === 'COMPLETED') {
      return refuse(
        '3003',
        `Invalid Transaction: pre-authorisation ${tx.txId} is already completed`,
      );
    }
    if (tx.state !== 'APPROVED') {
      return refuse(
        '3003',
        `Invalid Transaction: pre-authorisation ${tx.txId} is ${tx.state}, not approved`,
      );
    }
    if (amountCents <= 0) return refuse('9999', 'amount must be greater than 0');
    if (amountCents > tx.amountCents) {
      return refuse(
        '3003',
        `Invalid Transaction: completion amount ${centsToText(amountCents)} exceeds the authorized ${centsToText(tx.amountCents)}`,
      );
    }
    const move = this.move(tx, amountCents);
    tx.completion = move;
    this.transition(tx, {
      state: 'COMPLETED',
      event: 'completed',
      detail: `${centsToText(amountCents)} USD; approvalNo ${move.approvalNo}`,
    });
    return move;
  }

  reverse(tx: Transaction): MoneyMove | Refusal {
    this.refresh(tx);
    if (tx.state === 'REFUNDED') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is refunded; a refunded payment cannot be reversed`,
      );
    }
    if (tx.state === 'REVERSED') {
      return refuse('3003', `Invalid Transaction: ${tx.txId} is already reversed`);
    }
    if (tx.state !== 'APPROVED' && tx.state !== 'COMPLETED') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is ${tx.state}; only an approved payment can be reversed`,
      );
    }
    if (tx.settled) {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is settled; reversal is only possible before settlement (refund it)`,
      );
    }
    const move = this.move(tx, this.capturedCents(tx));
    tx.reversal = move;
    this.transition(tx, {
      state: 'REVERSED',
      event: 'reversed',
      detail: `approvalNo ${move.approvalNo}`,
    });
    return move;
  }

  refund(tx: Transaction): MoneyMove | Refusal {
    this.refresh(tx);
    if (tx.state === 'REFUNDED') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is already refunded (one full refund per payment)`,
      );
    }
    if (tx.state === 'REVERSED') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is reversed; nothing is left to refund`,
      );
    }
    if (tx.state === 'APPROVED' && tx.trt === '12') {
      return refuse(
        '3003',
        `Invalid Transaction: pre-authorisation ${tx.txId} is not completed; reverse it instead of refunding`,
      );
    }
    if (tx.state !== 'APPROVED' && tx.state !== 'COMPLETED') {
      return refuse(
        '3003',
        `Invalid Transaction: ${tx.txId} is ${tx.state}; only an approved or completed payment can be refunded`,
      );
    }
    const move = this.move(tx, this.capturedCents(tx));
    tx.refund = move;
    this.transition(tx, {
      state: 'REFUNDED',
      event: 'refunded',
      detail: `${centsToText(move.amountCents)} USD; approvalNo ${move.approvalNo}`,
    });
    return move;
  }

  /** Sets settleYn=Y on approved purchases and completed pre-auths (or on the given txIds). */
  settle(txIds?: readonly string[]): string[] {
    const settled: string[] = [];
    const candidates = txIds
      ? txIds.map((id) => this.find(id)).filter((t): t is Transaction => t !== undefined)
      : this.all().filter((t) => t.trt === '10' || t.state === 'COMPLETED');
    for (const tx of candidates) {
      if (!tx.settled && (tx.state === 'APPROVED' || tx.state === 'COMPLETED')) {
        tx.settled = true;
        tx.history.push({
          at: new Date(this.clock.now()).toISOString(),
          state: tx.state,
          event: 'settled',
        });
        settled.push(tx.txId);
      }
    }
    if (settled.length > 0) this.onChange();
    return settled;
  }

  // ------------------------------------------------------------------ bindings and customers

  private uuid(): string {
    const bytes = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) bytes[i] = this.rng.int(256);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** An opaque stored-passcode blob shaped like PAYON's (82 bytes starting 03 01); never the PIN. */
  private pinBlob(): string {
    const bytes = Buffer.alloc(82);
    bytes[0] = 0x03;
    bytes[1] = 0x01;
    for (let i = 2; i < 82; i++) bytes[i] = this.rng.int(256);
    return bytes.toString('base64');
  }

  /** Creates a binding; older active bindings of the same customer and card are deactivated. */
  createBinding(input: BindingInput, fingerprint: string): Binding {
    const now = this.clock.now();
    for (const old of this.bindings.values()) {
      if (
        old.active &&
        old.merchantId === input.merchantId &&
        old.clientId === input.clientId &&
        old.panFingerprint === fingerprint
      ) {
        old.active = false;
      }
    }
    const binding: Binding = {
      bindingId: this.uuid(),
      merchantId: input.merchantId,
      termId: input.termId,
      clientId: input.clientId,
      paymentMethod: input.paymentMethod,
      panFingerprint: fingerprint,
      card: input.card,
      behaviour: input.behaviour,
      wdlExpiry: input.wdlExpiry,
      wdlNm: input.wdlNm,
      phone: input.phone,
      email: input.email,
      pinBlob: this.pinBlob(),
      txDt: formatDate8(now),
      txSeqNo: this.nextTxSeqNo(formatDate8(now)),
      active: true,
      createdAtMs: now,
    };
    this.bindings.set(binding.bindingId, binding);
    this.customer(input.merchantId, input.clientId);
    this.onChange();
    return binding;
  }

  activeBindings(merchantId: string, clientId: string): Binding[] {
    return [...this.bindings.values()].filter(
      (b) => b.active && b.merchantId === merchantId && b.clientId === clientId,
    );
  }

  binding(bindingId: string): Binding | undefined {
    return this.bindings.get(bindingId);
  }

  customer(merchantId: string, clientId: string): Customer {
    const key = customerKey(merchantId, clientId);
    let customer = this.customers.get(key);
    if (!customer) {
      customer = { merchantId, clientId, pinHash: null, pinSalt: null, verifyYn: 'Y' };
      this.customers.set(key, customer);
    }
    return customer;
  }

  findCustomer(merchantId: string, clientId: string): Customer | undefined {
    return this.customers.get(customerKey(merchantId, clientId));
  }

  setPin(merchantId: string, clientId: string, pin: string): void {
    const customer = this.customer(merchantId, clientId);
    const salt = randomBytes(16).toString('hex');
    customer.pinSalt = salt;
    customer.pinHash = hashPin(salt, pin);
    this.onChange();
  }

  setVerify(merchantId: string, clientId: string, verifyYn: 'Y' | 'N'): void {
    this.customer(merchantId, clientId).verifyYn = verifyYn;
    this.onChange();
  }

  /** Whether checkout must ask this customer's passcode (a PIN is set and verification is on). */
  passcodeRequired(merchantId: string, clientId: string): boolean {
    const customer = this.findCustomer(merchantId, clientId);
    return customer !== undefined && customer.pinHash !== null && customer.verifyYn === 'Y';
  }

  checkPin(merchantId: string, clientId: string, pin: string): boolean {
    const customer = this.findCustomer(merchantId, clientId);
    if (!customer?.pinHash || !customer.pinSalt) return false;
    const given = Buffer.from(hashPin(customer.pinSalt, pin), 'hex');
    return timingSafeEqual(given, Buffer.from(customer.pinHash, 'hex'));
  }
}

/** Whether the order has passed its expiry unpaid (the `expired` history event). */
function expiredOnce(tx: Transaction): boolean {
  return tx.history.some((entry) => entry.event === 'expired');
}

function hashPin(salt: string, pin: string): string {
  return createHash('sha256').update(`${salt}:${pin}`).digest('hex');
}
