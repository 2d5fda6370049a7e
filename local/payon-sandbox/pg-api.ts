/**
 * The merchant API under /pg (docs/payon-api.md#endpoints): every documented endpoint, its envelope
 * and its quirks. Checks, in order: JSON object body, merchantId (0001), termId (0002), auth header
 * and `sign` (401, body `1`), required fields (9999 naming the field), then the ledger's rules
 * (3003).
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  cardBehaviour,
  isPayonCard,
  luhnValid,
  maskList,
  maskShort,
  maskStatus,
  normalisePan,
  PAYON_CARD_PIN,
  panFingerprint,
} from './cards.ts';
import type { MerchantConfig } from './config.ts';
import { namespacedClientId, type SandboxContext, shortClientId } from './context.ts';
import { type Answer, isRecord, json, unauthorized } from './http.ts';
import { buildKhqr } from './khqr.ts';
import {
  type CheckoutKind,
  isRefusal,
  type MoneyMove,
  type Refusal,
  type Transaction,
} from './ledger.ts';
import { cardMask } from './payments.ts';
import { type FlagStyle, flagValue, ordersWindow } from './profiles.ts';
import { constantTimeEqual, verifySign } from './signing.ts';
import type {
  BindingListItem,
  CreateBindingResponse,
  MoneyMoveResponse,
  OrderHistoryItem,
  OrderRegisterResultData,
  ReconciliationResponseItem,
  TransactionStatusData,
  WrappedResponse,
} from './wire.ts';
import {
  centsToText,
  centsToWireNumber,
  formatApprovalDate,
  formatCompact,
  formatOrdersDateTime,
  formatYearMonth,
  parseAmountCents,
  parseDdMMyyyy,
} from './wire-format.ts';

type Body = Record<string, unknown>;

/** Answers of one endpoint for refusals that happen before its own logic. */
interface Envelope {
  fail(code: string, message: string, body: Body): Answer;
}

interface Endpoint {
  envelope: Envelope;
  required: readonly string[];
  run(ctx: SandboxContext, body: Body, merchant: MerchantConfig): Answer;
}

export const MESSAGES = {
  invalidMerchant: 'Invalid Merchant ID',
  invalidTerm: 'Invalid Term ID',
  invalidTransaction: 'Invalid Transaction',
  systemError: 'System error',
} as const;

// ------------------------------------------------------------------------------------ envelopes

const wrapped: Envelope = {
  fail: (code, message) =>
    json(200, {
      resultMsg: message,
      resultCode: code,
      resultData: null,
    } satisfies WrappedResponse<null>),
};

const str = (body: Body, name: string): string | null => {
  const value = body[name];
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
};

/** PAYON's result for a request: its code and message. */
interface Result {
  readonly code: string;
  readonly message: string;
}

/** A money move's answer: the result, and for an approval the transaction and its move. */
function moneyMoveAnswer(
  body: Body,
  {
    code,
    message,
    tx,
    move,
  }: Result & { readonly tx?: Transaction | undefined; readonly move?: MoneyMove | undefined },
): Answer {
  const response: MoneyMoveResponse = {
    txId: str(body, 'txId'),
    merchantId: str(body, 'merchantId'),
    termId: str(body, 'termId'),
    amount: move ? centsToWireNumber(move.amountCents) : null,
    currency: tx ? tx.currency : null,
    resultCode: code,
    resultMessage: message,
    approvalNo: move ? move.approvalNo : null,
    approvalDate: move ? formatApprovalDate(move.atMs) : null,
    acsUrl: null,
    refNo: move ? move.approvalNo.padStart(12, '0') : null,
    transactionAmount: null,
  };
  return json(200, response);
}

const moneyMove: Envelope = {
  fail: (code, message, body) => moneyMoveAnswer(body, { code, message }),
};

function bindingAnswer(
  body: Body,
  {
    code,
    message,
    extra = {},
  }: Result & { readonly extra?: Partial<CreateBindingResponse> | undefined },
): Answer {
  const response: CreateBindingResponse = {
    txDt: null,
    txSeqNo: null,
    merchantId: str(body, 'merchantId'),
    termId: str(body, 'termId'),
    wdlAcNo: null,
    wdlExpiry: null,
    wdlNm: null,
    clientId: null,
    phone: null,
    email: null,
    bindingId: null,
    ...extra,
    resultCode: code,
    resultMsg: message,
  };
  return json(200, response);
}

const bindingEnvelope: Envelope = {
  fail: (code, message, body) => bindingAnswer(body, { code, message }),
};

/** Status: "not found / not successful" is HTTP 302 with PAYON's 9999 body and no Location. */
const statusNotFound = (): Answer =>
  json(302, { resultMsg: MESSAGES.systemError, resultCode: '9999', resultData: null });

// ------------------------------------------------------------------------------------ helpers

function refusalAnswer(envelope: Envelope, refusal: Refusal, body: Body): Answer {
  return envelope.fail(refusal.resultCode, refusal.message, body);
}

function ownTransaction(
  ctx: SandboxContext,
  body: Body,
  merchant: MerchantConfig,
): Transaction | Refusal {
  const txId = str(body, 'txId') ?? '';
  const tx = ctx.ledger.find(txId);
  if (!tx || tx.merchantId !== merchant.merchantId || tx.termId !== merchant.termId) {
    return {
      refused: true,
      resultCode: '3003',
      message: `${MESSAGES.invalidTransaction}: unknown txId ${txId}`,
    };
  }
  return tx;
}

function currencyProblem(value: string): string | undefined {
  // Order Registration's table says lowercase, every example says "USD": both are accepted.
  return value.toUpperCase() === 'USD'
    ? undefined
    : `currency must be USD (only USD is supported), got ${value}`;
}

function decryptPin(ctx: SandboxContext, value: string, plainAllowed: boolean): string | undefined {
  if (plainAllowed && ctx.config.bindingPinEncryption === 'plain') return value;
  return ctx.pins.decrypt(value);
}

const PIN_PATTERN = /^\d{4,6}$/;
const PAYMENT_METHODS = ['PAYON', 'CREDIT_DEBIT', 'PPCBANK_TRANSFER', 'BAKONG_KHQR'];
const PAY_DV_CDS = ['PPCBANK_PAY', 'PAYON_PAY', 'PAYON_QR', 'KHQR', 'MPI'];
const TX_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

function checkoutKind(
  paymentMethod: string,
  payDvCd: string | null,
  bindingId: string | null,
): CheckoutKind {
  if (bindingId) return 'saved-card';
  if (paymentMethod === 'BAKONG_KHQR' || payDvCd === 'KHQR' || payDvCd === 'PAYON_QR')
    return 'khqr';
  if (paymentMethod === 'PAYON') return 'payon-card';
  if (paymentMethod === 'PPCBANK_TRANSFER') return 'wallet';
  return 'card';
}

// ------------------------------------------------------------------------------------ endpoints

const register: Endpoint = {
  envelope: wrapped,
  required: ['txId', 'trt', 'currency', 'amount', 'paymentMethod'],
  run(ctx, body, merchant) {
    const fail = (message: string) => wrapped.fail('9999', message, body);
    const txId = str(body, 'txId') ?? '';
    if (!TX_ID_PATTERN.test(txId)) return fail('txId must be 1 to 40 letters, digits, - or _');
    const trt = str(body, 'trt');
    if (trt !== '10' && trt !== '12') return fail('trt must be 10 (purchase) or 12 (pre-auth)');
    const currency = str(body, 'currency') ?? '';
    const currencyError = currencyProblem(currency);
    if (currencyError) return fail(currencyError);
    const amountCents = parseAmountCents(body.amount);
    if (amountCents === undefined || amountCents <= 0) {
      return fail('amount must be a positive amount with at most two decimals');
    }
    const paymentMethod = str(body, 'paymentMethod') ?? '';
    if (!PAYMENT_METHODS.includes(paymentMethod)) {
      return fail(`paymentMethod must be one of ${PAYMENT_METHODS.join(', ')}`);
    }
    const payDvCd = str(body, 'payDvCd');
    if (payDvCd !== null && !PAY_DV_CDS.includes(payDvCd)) {
      return fail(`payDvCd must be one of ${PAY_DV_CDS.join(', ')}`);
    }
    const rawClientId = str(body, 'clientId');
    const clientId = rawClientId === null ? null : shortClientId(merchant, rawClientId);
    const bindingId = str(body, 'bindingId');
    let paymentType: Transaction['paymentType'] = '02';
    if (bindingId !== null) {
      const binding = ctx.ledger.binding(bindingId);
      if (!binding?.active || binding.merchantId !== merchant.merchantId) {
        return fail(`bindingId ${bindingId} is not an active binding of this merchant`);
      }
      if (clientId !== null && binding.clientId !== clientId) {
        return fail(`bindingId ${bindingId} does not belong to clientId ${rawClientId}`);
      }
      paymentType = binding.paymentMethod === 'PAYON' ? '01' : '02';
    }
    const kind = checkoutKind(paymentMethod, payDvCd, bindingId);
    if (kind !== 'saved-card')
      paymentType = kind === 'payon-card' ? '01' : kind === 'card' ? '02' : '03';
    if (trt === '12' && paymentType !== '02') {
      return fail('trt 12 (pre-auth) is only available for CREDIT_DEBIT cards');
    }
    const result = ctx.ledger.register(
      {
        txId,
        merchantId: merchant.merchantId,
        termId: merchant.termId,
        trt,
        amountCents,
        paymentMethod,
        payDvCd,
        clientId,
        bindingId,
        buyerId: str(body, 'buyerId'),
        sellerId: str(body, 'sellerId'),
        checkout: kind,
        paymentType,
        expiryMs: ctx.config.orderExpiryMinutes * 60_000,
      },
      (tx) =>
        kind === 'khqr'
          ? buildKhqr({
              bakongAccountId: ctx.config.bakongAccountId,
              merchantId: merchant.merchantId,
              acquiringBank: 'PAYON',
              merchantName: merchant.name ?? merchant.merchantId,
              merchantCity: 'Phnom Penh',
              amountText: centsToText(tx.amountCents),
              billNumber: tx.txId,
              terminalLabel: merchant.termId,
              createdAtMs: tx.createdAtMs,
              expiresAtMs: tx.expiresAtMs,
            })
          : null,
    );
    if (isRefusal(result)) return refusalAnswer(wrapped, result, body);
    const data: OrderRegisterResultData = {
      txId: result.txId,
      checkoutUrl: `${ctx.publicUrl()}/checkout/${encodeURIComponent(result.txId)}`,
    };
    if (result.qrString) data.qrString = result.qrString;
    data.expiresAt = formatCompact(result.expiresAtMs);
    const forged = ctx.profiles.forgedPushForUnpaid(result.txId);
    if (forged) ctx.push.send(merchant.notifyUrl, forged);
    return json(200, { resultCode: '0000', resultMsg: 'Success', resultData: data });
  },
};

function moneyMoveEndpoint(
  op: (ctx: SandboxContext, tx: Transaction, body: Body) => MoneyMove | Refusal,
): Endpoint {
  return {
    envelope: moneyMove,
    required: ['txId'],
    run(ctx, body, merchant) {
      const tx = ownTransaction(ctx, body, merchant);
      if (isRefusal(tx)) return refusalAnswer(moneyMove, tx, body);
      const move = op(ctx, tx, body);
      if (isRefusal(move)) return refusalAnswer(moneyMove, move, body);
      return moneyMoveAnswer(body, { code: '0000', message: 'Success', tx, move });
    },
  };
}

const reversal = moneyMoveEndpoint((ctx, tx) => ctx.ledger.reverse(tx));
const refund = moneyMoveEndpoint((ctx, tx) => ctx.ledger.refund(tx));
const completion: Endpoint = {
  ...moneyMoveEndpoint((ctx, tx, body) => {
    const currencyError = currencyProblem(str(body, 'currency') ?? '');
    if (currencyError) return { refused: true, resultCode: '9999', message: currencyError };
    const cents = parseAmountCents(body.amount);
    if (cents === undefined) {
      return {
        refused: true,
        resultCode: '9999',
        message: 'amount must be an amount with at most two decimals',
      };
    }
    return ctx.ledger.complete(tx, cents);
  }),
  required: ['txId', 'currency', 'amount'],
};

const PAY_DV_CD_CODE: Record<Transaction['paymentType'], string> = {
  '01': '1',
  '02': '8',
  '03': '9',
};

type FlagName = 'settleYn' | 'cancelYn' | 'refundYn';
/** An orders-list row: PAYON's item, whose flags may also be `""` or absent (behaviour `flags`). */
type OrdersRow = Omit<OrderHistoryItem, FlagName> & { [K in FlagName]?: string };

interface RowFacts {
  txSeqNo: string;
  approved: boolean;
  amountCents: number;
  apprNo: string | null;
  atMs: number;
  resultMsg: string;
  stan: string;
  flags: Record<FlagName, boolean>;
}

const NO_FLAGS: Record<FlagName, boolean> = { settleYn: false, cancelYn: false, refundYn: false };

function orderRow(ctx: SandboxContext, tx: Transaction, facts: RowFacts): OrdersRow {
  // A profile may read this txId's flags oddly (profiles.ts); otherwise the behaviour's.
  const style: FlagStyle = ctx.profiles.flagStyle(tx.txId) ?? ctx.behaviour.flags;
  const flag = (on: boolean): string => flagValue(style, on) ?? '';
  const row: OrdersRow = {
    txDt: tx.txDt,
    txSeqNo: facts.txSeqNo,
    txStCd: facts.approved ? '09' : '99',
    trt: tx.trt,
    payDvCd: PAY_DV_CD_CODE[tx.paymentType],
    paymentType: tx.paymentType,
    merchantId: tx.merchantId,
    termId: tx.termId,
    tracNo: tx.txId,
    amount: centsToWireNumber(facts.amountCents),
    currencyCode: tx.currency,
    settleYn: flag(facts.flags.settleYn),
    cancelYn: flag(facts.flags.cancelYn),
    refundYn: flag(facts.flags.refundYn),
    apprNo: facts.apprNo,
    apprDttm: formatOrdersDateTime(facts.atMs),
    resultCd: facts.approved ? '0000' : '9999',
    resultMsg: facts.resultMsg,
    stan: facts.stan,
  };
  if (style === 'omit') {
    delete row.settleYn;
    delete row.cancelYn;
    delete row.refundYn;
  }
  return row;
}

/**
 * The orders-list rows of one transaction: one per attempt (a declined one: 9999, txStCd 99, no
 * apprNo, flags N), and with `ordersRowsPerMove` one per completion, reversal and refund, each
 * with its own flag; otherwise the flags sit on the approved row. Assumed (docs/sandbox.md,
 * "Assumed behaviour" 26–28 and 49).
 */
function orderRows(ctx: SandboxContext, tx: Transaction): OrdersRow[] {
  const perMove = ctx.behaviour.ordersRowsPerMove || ctx.profiles.rowsPerMove(tx.txId);
  const rows = tx.attempts.flatMap((attempt) => {
    const approved = attempt.resultCd === '0000';
    let flags = NO_FLAGS;
    if (approved && perMove) flags = { ...NO_FLAGS, settleYn: tx.settled && !tx.completion };
    else if (approved) {
      flags = {
        settleYn: tx.settled,
        cancelYn: tx.reversal !== null,
        refundYn: tx.refund !== null,
      };
    }
    const row = orderRow(ctx, tx, {
      txSeqNo: attempt.txSeqNo,
      approved,
      amountCents: approved && !perMove ? ctx.ledger.capturedCents(tx) : tx.amountCents,
      apprNo: attempt.approvalNo,
      atMs: attempt.atMs,
      resultMsg: attempt.message,
      stan: attempt.stan,
      flags,
    });
    if (!approved || !ctx.profiles.declinedRowFirst(tx.txId)) return [row];
    // A profile's reading (ambiguous): PAYON listing a declined try of the same txId first, with
    // the same txSeqNo, the registered amount and a time a few seconds before the approval.
    const declined = orderRow(ctx, tx, {
      txSeqNo: attempt.txSeqNo,
      approved: false,
      amountCents: tx.amountCents,
      apprNo: null,
      atMs: attempt.atMs - 5_000,
      resultMsg: 'Card declined',
      stan: attempt.stan,
      flags: NO_FLAGS,
    });
    return [declined, row];
  });
  if (!perMove) return rows;
  const moves: Array<[MoneyMove | null, Record<FlagName, boolean>]> = [
    [tx.completion, { ...NO_FLAGS, settleYn: tx.settled }],
    [tx.reversal, { ...NO_FLAGS, cancelYn: true }],
    [tx.refund, { ...NO_FLAGS, refundYn: true }],
  ];
  for (const [move, flags] of moves) {
    if (!move) continue;
    rows.push(
      orderRow(ctx, tx, {
        txSeqNo: move.txSeqNo,
        approved: true,
        amountCents: move.amountCents,
        apprNo: move.approvalNo,
        atMs: move.atMs,
        resultMsg: 'Success',
        stan: move.stan,
        flags,
      }),
    );
  }
  return rows;
}

const orders: Endpoint = {
  envelope: wrapped,
  required: ['fromDate', 'toDate', 'index', 'limit'],
  run(ctx, body, merchant) {
    const fail = (message: string) => wrapped.fail('9999', message, body);
    const from = parseDdMMyyyy(str(body, 'fromDate') ?? '');
    const to = parseDdMMyyyy(str(body, 'toDate') ?? '');
    if (!from) return fail('fromDate must be a date ddMMyyyy');
    if (!to) return fail('toDate must be a date ddMMyyyy');
    const index = Number(body.index);
    const limit = Number(body.limit);
    if (!Number.isInteger(index) || index < 1) return fail('index must be a page number from 1');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return fail('limit must be from 1 to 1000');
    const trt = str(body, 'trt');
    if (trt !== null && trt !== '10' && trt !== '12') return fail('trt must be 10 or 12');
    const items = ctx.ledger
      .all()
      .filter(
        (tx) =>
          tx.merchantId === merchant.merchantId &&
          tx.termId === merchant.termId &&
          tx.txDt >= from &&
          tx.txDt <= to &&
          (trt === null || tx.trt === trt),
      )
      .flatMap((tx) => orderRows(ctx, tx))
      // Stable: rows sharing a txSeqNo (a profile's declined row) keep their order.
      .sort((a, b) => {
        const [x, y] = [a.txSeqNo ?? '', b.txSeqNo ?? ''];
        return x < y ? -1 : x > y ? 1 : 0;
      });
    const { start, end } = ordersWindow(index, limit, ctx.profiles.ordersReading());
    return json(200, items.slice(start, end));
  },
};

const status: Endpoint = {
  envelope: wrapped,
  required: ['txId', 'amount', 'currency'],
  run(ctx, body, merchant) {
    const tx = ownTransaction(ctx, body, merchant);
    if (isRefusal(tx) || tx.approvalNo === null || tx.decidedAtMs === null) return statusNotFound();
    const cents = parseAmountCents(body.amount);
    const currency = str(body, 'currency') ?? '';
    if (cents !== tx.amountCents || currency.toUpperCase() !== tx.currency) return statusNotFound();
    const approval = tx.attempts.find((a) => a.resultCd === '0000');
    const data: TransactionStatusData = {
      txDt: tx.txDt,
      txSeqNo: approval?.txSeqNo ?? tx.txSeqNo,
      txStCd: 'COMPLETE',
      trt: tx.trt === '10' ? 'PURCHASE' : 'PRE_AUTH',
      paymentMethod: tx.paymentMethod,
      merchantId: tx.merchantId,
      termId: tx.termId,
      wdlAcNo: tx.card ? maskStatus(`${'0'.repeat(tx.card.length - 4)}${tx.card.last4}`) : null,
      tracNo: tx.txId,
      amount: centsToWireNumber(tx.amountCents),
      currencyCode: tx.currency,
      apprNo: tx.approvalNo,
      apprDttm: formatCompact(tx.decidedAtMs),
    };
    return json(200, { resultMsg: 'Success', resultCode: '0000', resultData: data });
  },
};

const createBinding: Endpoint = {
  envelope: bindingEnvelope,
  required: ['clientId', 'paymentMethod', 'wdlAcNo'],
  run(ctx, body, merchant) {
    const fail = (message: string) => bindingAnswer(body, { code: '9999', message });
    const paymentMethod = str(body, 'paymentMethod');
    if (paymentMethod !== 'PAYON' && paymentMethod !== 'CREDIT_DEBIT') {
      return fail('paymentMethod must be PAYON or CREDIT_DEBIT');
    }
    const pan = normalisePan(str(body, 'wdlAcNo') ?? '');
    if (paymentMethod === 'PAYON' && !isPayonCard(pan)) {
      return fail('wdlAcNo is not a PAYON card number (16 digits starting 101049)');
    }
    if (paymentMethod === 'CREDIT_DEBIT' && !luhnValid(pan)) {
      return fail('wdlAcNo is not a valid card number (Luhn check failed)');
    }
    const expiry = str(body, 'wdlExpiry');
    if (expiry !== null) {
      const match = /^(\d{4})(0[1-9]|1[0-2])$/.exec(expiry);
      if (!match) return fail('wdlExpiry must be YYYYMM');
      if (expiry < formatYearMonth(ctx.clock.now()))
        return fail(`wdlExpiry ${expiry} is in the past`);
    }
    const cvv = str(body, 'wdlCvv');
    if (cvv !== null && !/^\d{3,4}$/.test(cvv)) return fail('wdlCvv must be 3 or 4 digits');
    if (paymentMethod === 'PAYON') {
      const encrypted = str(body, 'payonPin');
      if (encrypted === null) return fail('payonPin is required for the PAYON payment method');
      const payonPin = decryptPin(ctx, encrypted, true);
      if (payonPin === undefined)
        return fail(
          `payonPin could not be decrypted with PAYON's public key (RSA ${ctx.config.rsaPadding})`,
        );
      if (payonPin !== PAYON_CARD_PIN) return fail('payonPin is not the PIN of this PAYON card');
    }
    let pin: string | undefined;
    const encryptedPin = str(body, 'pin');
    if (encryptedPin !== null) {
      pin = decryptPin(ctx, encryptedPin, true);
      if (pin === undefined)
        return fail(
          `pin could not be decrypted with PAYON's public key (RSA ${ctx.config.rsaPadding})`,
        );
      if (!PIN_PATTERN.test(pin)) return fail('pin must be 4 to 6 digits');
    }
    const behaviour = paymentMethod === 'PAYON' ? 'approve' : cardBehaviour(pan);
    if (behaviour === 'decline') return fail('Card declined');
    const clientId = shortClientId(merchant, str(body, 'clientId') ?? '');
    const binding = ctx.ledger.createBinding(
      {
        merchantId: merchant.merchantId,
        termId: merchant.termId,
        clientId,
        paymentMethod,
        pan,
        card: cardMask(pan),
        behaviour,
        wdlExpiry: expiry,
        wdlNm: str(body, 'wdlNm'),
        phone: str(body, 'phone'),
        email: str(body, 'email'),
      },
      panFingerprint(pan),
    );
    if (pin !== undefined) ctx.ledger.setPin(merchant.merchantId, clientId, pin);
    // As PAYON's example: wdlNm, phone and email come back null even when sent.
    return bindingAnswer(body, {
      code: '0000',
      message: 'Success',
      extra: {
        wdlAcNo: maskShort(pan),
        wdlExpiry: expiry,
        clientId: namespacedClientId(merchant, clientId),
        bindingId: binding.bindingId,
      },
    });
  },
};

const bindingList: Endpoint = {
  envelope: wrapped,
  required: ['clientId'],
  run(ctx, body, merchant) {
    const clientId = shortClientId(merchant, str(body, 'clientId') ?? '');
    const verifyYn = ctx.ledger.findCustomer(merchant.merchantId, clientId)?.verifyYn ?? 'Y';
    const items: BindingListItem[] = ctx.ledger
      .activeBindings(merchant.merchantId, clientId)
      .map((b) => ({
        txDt: b.txDt,
        txSeqNo: b.txSeqNo,
        merchantId: b.merchantId,
        termId: b.termId,
        wdlAcNo: maskList(`${b.card.first6}${'0'.repeat(b.card.length - 10)}${b.card.last4}`),
        wdlExpiry: b.wdlExpiry,
        wdlNm: b.wdlNm,
        pin: b.pinBlob,
        clientId: namespacedClientId(merchant, b.clientId),
        phone: b.phone,
        email: b.email,
        bindingId: b.bindingId,
        encryptedAcNo: null,
        encryptedCvv: null,
        verifyYn,
        paymentType: b.paymentMethod === 'PAYON' ? '01' : '02',
        resultCode: null,
        resultMsg: null,
      }));
    return json(200, { resultMsg: 'Success', resultCode: '0000', resultData: items });
  },
};

const createPin: Endpoint = {
  envelope: wrapped,
  required: ['clientId', 'pin'],
  run(ctx, body, merchant) {
    const pin = ctx.pins.decrypt(str(body, 'pin') ?? '');
    if (pin === undefined) {
      return wrapped.fail(
        '9999',
        `pin could not be decrypted with PAYON's public key (RSA ${ctx.config.rsaPadding})`,
        body,
      );
    }
    if (!PIN_PATTERN.test(pin)) return wrapped.fail('9999', 'pin must be 4 to 6 digits', body);
    ctx.ledger.setPin(
      merchant.merchantId,
      shortClientId(merchant, str(body, 'clientId') ?? ''),
      pin,
    );
    return json(200, { resultMsg: 'Success', resultCode: '0000', resultData: null });
  },
};

const pinVerification: Endpoint = {
  envelope: wrapped,
  required: ['clientId', 'verifyYn'],
  run(ctx, body, merchant) {
    const verifyYn = str(body, 'verifyYn');
    if (verifyYn !== 'Y' && verifyYn !== 'N')
      return wrapped.fail('9999', 'verifyYn must be Y or N', body);
    ctx.ledger.setVerify(
      merchant.merchantId,
      shortClientId(merchant, str(body, 'clientId') ?? ''),
      verifyYn,
    );
    return json(200, { resultMsg: 'Success', resultCode: '0000', resultData: null });
  },
};

// ------------------------------------------------------------------------------------ auth

function authOk(
  ctx: SandboxContext,
  headers: IncomingHttpHeaders,
  merchant: MerchantConfig,
): boolean {
  const name = ctx.config.authHeader;
  if (!name) return true;
  const value = headers[name];
  return typeof value === 'string' && constantTimeEqual(value, merchant.apiKey);
}

function runEndpoint(
  ctx: SandboxContext,
  endpoint: Endpoint,
  {
    path,
    body,
    headers,
  }: { readonly path: string; readonly body: unknown; readonly headers: IncomingHttpHeaders },
): Answer {
  if (!isRecord(body))
    return json(400, { resultCode: '9999', resultMsg: 'Request body must be a JSON object' });
  const fail = (code: string, message: string) => endpoint.envelope.fail(code, message, body);
  const merchantId = str(body, 'merchantId');
  if (merchantId === null) return fail('9999', 'merchantId is required');
  const merchant = ctx.merchant(merchantId);
  if (!merchant) return fail('0001', MESSAGES.invalidMerchant);
  const termId = str(body, 'termId');
  if (termId === null) return fail('9999', 'termId is required');
  if (termId !== merchant.termId) return fail('0002', MESSAGES.invalidTerm);
  if (
    !authOk(ctx, headers, merchant) ||
    !verifySign(body, {
      scheme: merchant.signingScheme,
      apiKey: merchant.apiKey,
      signingPublicKeyPem: merchant.signingPublicKeyPem,
    })
  ) {
    return unauthorized();
  }
  const missing = endpoint.required.find((name) => str(body, name) === null);
  if (missing) return fail('9999', `${missing} is required`);
  const refusal = ctx.profiles.readRefusal(path);
  if (refusal) return fail(refusal.code, refusal.message);
  return endpoint.run(ctx, body, merchant);
}

// ------------------------------------------------------------------------------------ reconciliation

/** Amount of each ledger event a reconciliation item may name. */
function ledgerEvents(tx: Transaction): Map<string, number> {
  const events = new Map<string, number>();
  if (tx.approvalNo === null) return events;
  events.set(tx.trt === '10' ? 'PURCHASE' : 'PRE_AUTH', tx.amountCents);
  if (tx.completion) events.set('PRE_AUTH_COMPLETE', tx.completion.amountCents);
  if (tx.refund) events.set('REFUND', tx.refund.amountCents);
  if (tx.reversal) {
    const type =
      tx.trt === '10'
        ? 'PURCHASE_REVERSAL'
        : tx.completion
          ? 'PRE_AUTH_COMPLETE_REVERSAL'
          : 'PRE_AUTH_REVERSAL';
    events.set(type, tx.reversal.amountCents);
  }
  return events;
}

const SCRIPTED_REFUSALS = {
  '0001': MESSAGES.invalidMerchant,
  '0002': MESSAGES.invalidTerm,
  '3003': MESSAGES.invalidTransaction,
  '0006': 'Invalid Customer ID',
} as const;

function reconcileItem(ctx: SandboxContext, item: unknown): ReconciliationResponseItem {
  const body: Body = isRecord(item) ? item : {};
  const cents = parseAmountCents(body.grandToTAmt);
  const answer = (
    code: string,
    message: string,
    reconciliationDv: string | null,
  ): ReconciliationResponseItem => ({
    merchantId: str(body, 'merchantId'),
    reconciliationDv,
    termId: str(body, 'termId'),
    txId: str(body, 'txId') ?? '',
    buyerId: str(body, 'buyerId'),
    sellerId: str(body, 'sellerId'),
    grandToTAmt: cents === undefined ? null : centsToWireNumber(cents),
    resultMsg: message,
    resultCode: code,
  });
  if (!isRecord(item)) return answer('9999', 'System Error: an item must be a JSON object', null);
  const merchant = ctx.merchant(str(body, 'merchantId') ?? '');
  if (!merchant) return answer('0001', MESSAGES.invalidMerchant, null);
  if (str(body, 'termId') !== merchant.termId) return answer('0002', MESSAGES.invalidTerm, null);
  for (const name of ['txId', 'transactionType', 'grandToTAmt']) {
    if (str(body, name) === null) return answer('9999', `System Error: ${name} is required`, null);
  }
  if (cents === undefined)
    return answer('9999', 'System Error: grandToTAmt is not an amount', null);
  const refusal = ctx.profiles.readRefusal('/pg/merchant/reconcilation');
  if (refusal) return answer(refusal.code, refusal.message, null);
  const script = ctx.reconciliationAnswers.get(str(body, 'txId') ?? '');
  if (script && 'resultCode' in script) {
    return answer(script.resultCode, script.message ?? SCRIPTED_REFUSALS[script.resultCode], null);
  }
  if (script) {
    return {
      ...answer('0000', 'Success', 'APPROVED'),
      grandToTAmt: centsToWireNumber(script.grandTotalCents),
    };
  }
  const tx = ctx.ledger.find(str(body, 'txId') ?? '');
  if (
    !tx ||
    tx.merchantId !== merchant.merchantId ||
    tx.termId !== merchant.termId ||
    tx.approvalNo === null
  ) {
    return answer('3003', MESSAGES.invalidTransaction, null);
  }
  const buyerId = str(body, 'buyerId');
  if (buyerId !== null && tx.buyerId !== null && buyerId !== tx.buyerId) {
    return answer('0006', 'Invalid Customer ID', null);
  }
  const type = str(body, 'transactionType') ?? '';
  const expected = ledgerEvents(tx).get(type);
  if (expected === undefined) {
    return answer(
      '9999',
      `System Error: no ${type} of txId ${tx.txId} in the ledger`,
      'MISMATCHED',
    );
  }
  if (expected !== cents) {
    return answer(
      '9999',
      `System Error: grandToTAmt ${centsToText(cents)} differs from the ledger's ${centsToText(expected)}`,
      'MISMATCHED',
    );
  }
  return answer('0000', 'Success', 'APPROVED');
}

function reconcile(ctx: SandboxContext, body: unknown, headers: IncomingHttpHeaders): Answer {
  if (!Array.isArray(body)) {
    return json(400, { resultCode: '9999', resultMsg: 'Reconciliation body must be a JSON array' });
  }
  if (ctx.config.authHeader) {
    const merchants = body
      .map((item) => (isRecord(item) ? ctx.merchant(str(item, 'merchantId') ?? '') : undefined))
      .filter((m): m is MerchantConfig => m !== undefined);
    if (merchants.length > 0 && !merchants.some((m) => authOk(ctx, headers, m)))
      return unauthorized();
  }
  return json(
    200,
    body.map((item) => reconcileItem(ctx, item)),
  );
}

// ------------------------------------------------------------------------------------ routing

export type PgHandler = (
  ctx: SandboxContext,
  body: unknown,
  headers: IncomingHttpHeaders,
) => Answer;

/** The handler of a /pg path, or `undefined` when PAYON has no such endpoint. */
export function pgHandler(ctx: SandboxContext, path: string): PgHandler | undefined {
  const endpoint =
    (e: Endpoint): PgHandler =>
    (c, body, headers) =>
      c.profiles.answer(path, runEndpoint(c, e, { path, body, headers }));
  if (ctx.config.createBindingPaths.includes(path)) return endpoint(createBinding);
  if (path === ctx.config.pinVerificationPath) return endpoint(pinVerification);
  switch (path) {
    case '/pg/order/register':
      return endpoint(register);
    case '/pg/reversal':
      return endpoint(reversal);
    case '/pg/refund':
      return endpoint(refund);
    case '/pg/preAuthCompletion':
      return endpoint(completion);
    case '/pg/orders':
      return endpoint(orders);
    case '/pg/transaction/status':
      return endpoint(status);
    case '/pg/bindingList':
      return endpoint(bindingList);
    case '/pg/binding/createPIN':
      return endpoint(createPin);
    case '/pg/merchant/reconcilation':
      return reconcile;
    default:
      return undefined;
  }
}
