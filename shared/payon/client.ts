/**
 * The PAYON client: one method per PAYON endpoint (docs/payon-api.md#endpoints), each one call to
 * the private transport. Inputs and results are domain values; wire spellings (requests, and
 * answers as zod schemas) stay in `./wire.ts`, the pure builders in `./requests.ts` and readers in
 * `./answers.ts`.
 *
 * @example
 * ```ts
 * const payon = new PayonClient({ config: getConfig().payon, secrets });
 * const order = await payon.registerOrder({
 *   txId: nextTxId(), kind: 'purchase', amount: parseDecimal('12.50', 'USD'), paymentMethod: 'CREDIT_DEBIT',
 * });
 * // redirect the customer to order.checkoutUrl
 * ```
 */
import type * as z from 'zod';
import type { Config } from '#shared/config/index.ts';
import type { PinEncryptor } from '#shared/crypto/rsa.ts';
import type { RsaPadding } from '#shared/crypto/rsa-padding.ts';
import type { Money } from '#shared/domain/money.ts';
import { ConfigurationError, PayonRejectedError, PayonUnavailableError } from '#shared/errors.ts';
import * as answers from '#shared/payon/answers.ts';
import * as requests from '#shared/payon/requests.ts';
import type { Log } from '#shared/payon/status.ts';
import {
  type BodyBuilder,
  type PayonAnswer,
  PayonTransport,
  type SecretSource,
} from '#shared/payon/transport.ts';
import type {
  BindingRecord,
  CreateBindingInput,
  CreatedBinding,
  ListOrdersInput,
  MoneyMoveResult,
  OrderRecord,
  ReconciliationItemInput,
  ReconciliationResult,
  RegisteredOrder,
  RegisterOrderInput,
  TransactionStatus,
  TransactionStatusInput,
} from '#shared/payon/types.ts';
import type { PayonRead, ReadAnswer } from '#shared/payon/wire.ts';
import type { MerchantSecret } from '#shared/secrets/merchant-secret.ts';

/** PAYON's paths, spelled exactly as documented ("reconcilation" included). */
export const PAYON_PATHS = {
  registerOrder: '/pg/order/register',
  reversal: '/pg/reversal',
  preAuthCompletion: '/pg/preAuthCompletion',
  refund: '/pg/refund',
  orders: '/pg/orders',
  transactionStatus: '/pg/transaction/status',
  bindingList: '/pg/bindingList',
  createPin: '/pg/binding/createPIN',
  reconciliation: '/pg/merchant/reconcilation',
} as const;

/** Builds a PIN encryptor from PAYON's public key; `createPinEncryptor` of `#shared/crypto/rsa.ts`. */
export type PinEncryptorFactory = (publicKey: string, padding: RsaPadding) => PinEncryptor;

export interface PayonClientOptions {
  readonly config: Config['payon'];
  readonly secrets: SecretSource;
  readonly fetch?: typeof fetch;
  /** Receives unknown PAYON codes (never bodies). */
  readonly log?: Log;
  /**
   * Only functions that send PINs pass this, so that node-forge stays out of the other bundles.
   */
  readonly pinEncryption?: PinEncryptorFactory;
  /** Largest answer read, in bytes; default 8 MiB. */
  readonly maxResponseBytes?: number;
  /** Told each request's time until PAYON answered (the `payon.latency` metric). */
  readonly observe?: (path: string, ms: number) => void;
}

export class PayonClient {
  readonly #transport: PayonTransport;
  readonly #config: Config['payon'];
  readonly #log: Log | undefined;
  readonly #pinEncryption: PinEncryptorFactory | undefined;
  readonly #encryptors = new WeakMap<MerchantSecret, PinEncryptor>();

  constructor(options: PayonClientOptions) {
    this.#config = options.config;
    this.#log = options.log;
    this.#pinEncryption = options.pinEncryption;
    this.#transport = new PayonTransport({
      baseUrl: options.config.baseUrl,
      timeoutMs: options.config.timeoutMs,
      authHeader: options.config.authHeader,
      secrets: options.secrets,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
      ...(options.observe ? { observe: options.observe } : {}),
    });
  }

  /** Loads the secret and signer, so that a configuration fault surfaces before anything is sent. */
  prepare(): Promise<void> {
    return this.#transport.prepare();
  }

  /** Registers a purchase (`trt` 10) or pre-authorisation (`trt` 12) and returns its checkout. */
  async registerOrder(input: RegisterOrderInput): Promise<RegisteredOrder> {
    const path = PAYON_PATHS.registerOrder;
    // A refusal (a duplicate txId, say) of the retry after a 401: the first may have registered.
    return this.#moneyAnswer(
      path,
      (s) => requests.orderRegisterRequest(s, input),
      (json) => answers.readRegisteredOrder(json, path, input.txId),
    );
  }

  /** Cancels (reverses) a payment, identified by its own txId (docs/payon-assumptions.md A16). */
  async reverse(txId: string): Promise<MoneyMoveResult> {
    return this.#move(PAYON_PATHS.reversal, (s) => requests.txRequest(s, txId), txId);
  }

  /** Refunds a payment in full (PAYON's refund has no amount), identified by its own txId. */
  async refund(txId: string): Promise<MoneyMoveResult> {
    return this.#move(PAYON_PATHS.refund, (s) => requests.txRequest(s, txId), txId);
  }

  /** Completes (captures) a pre-authorisation for `amount`. */
  async completePreAuth(input: {
    readonly txId: string;
    readonly amount: Money;
  }): Promise<MoneyMoveResult> {
    return this.#move(
      PAYON_PATHS.preAuthCompletion,
      (s) => requests.preAuthCompletionRequest(s, input),
      input.txId,
    );
  }

  /** One page of PAYON's order history. */
  async listOrders(input: ListOrdersInput): Promise<OrderRecord[]> {
    const path = PAYON_PATHS.orders;
    const { json } = await this.#post(path, (s) => requests.ordersRequest(s, input));
    return answers.readOrders(json, { path, input, log: this.#log });
  }

  /** Pulls a transaction's status; amount and currency are part of PAYON's lookup key. */
  async transactionStatus(input: TransactionStatusInput): Promise<TransactionStatus> {
    const path = PAYON_PATHS.transactionStatus;
    const { status, json } = await this.#transport.post(path, (s) =>
      requests.transactionStatusRequest(s, input),
    );
    return answers.readTransactionStatus(json, {
      httpStatus: status,
      path,
      txId: input.txId,
      log: this.#log,
    });
  }

  /** Saves a card without payment. The card data goes to PAYON and nowhere else. */
  async createBinding(input: CreateBindingInput): Promise<CreatedBinding> {
    const path = this.#config.paths.createBinding;
    const { json, secret } = await this.#post(path, (s) =>
      requests.createBindingRequest(
        s,
        input,
        this.#pinProtector(s, this.#config.bindingPinEncryption),
      ),
    );
    return answers.readCreatedBinding(json, { path, ids: secret, clientId: input.clientId });
  }

  /** The customer's active bindings. */
  async listBindings(clientId: string): Promise<BindingRecord[]> {
    const path = PAYON_PATHS.bindingList;
    const { json, secret } = await this.#post(path, (s) =>
      requests.bindingListRequest(s, clientId),
    );
    return answers.readBindings(json, { path, ids: secret, clientId });
  }

  /** Sets the customer's binding passcode, RSA-encrypted with PAYON's public key. */
  async createPin(input: { readonly clientId: string; readonly pin: string }): Promise<void> {
    const path = PAYON_PATHS.createPin;
    const { json } = await this.#post(path, (s) =>
      requests.createPinRequest(s, input, this.#pinProtector(s, 'rsa')),
    );
    answers.readAcknowledgement(json, path);
  }

  /**
   * Turns PIN verification on or off for a customer (undocumented endpoint,
   * docs/payon-assumptions.md A15).
   */
  async setPinVerification(input: {
    readonly clientId: string;
    readonly enabled: boolean;
  }): Promise<void> {
    const path = this.#config.paths.pinVerification;
    const { json } = await this.#post(path, (s) => requests.pinVerificationRequest(s, input));
    answers.readAcknowledgement(json, path);
  }

  /** Submits a batch of the merchant's transactions to PAYON's reconciliation. */
  async reconcile(items: readonly ReconciliationItemInput[]): Promise<ReconciliationResult[]> {
    const path = PAYON_PATHS.reconciliation;
    const { json } = await this.#post(path, (s) => requests.reconciliationRequest(s, items));
    return answers.readReconciliation(json, path, items);
  }

  /**
   * A read described with `defineRead` (`./wire.ts`): signed and sent like every call, its answer
   * checked, card numbers masked, and parsed (`answers.readDescribed`). Reads only: a money move
   * has its own method, whose refusals after a 401 retry mean "unknown".
   */
  async read<Input, Answer extends z.ZodType, Shape extends 'object' | 'list'>(
    endpoint: PayonRead<Input, Answer, Shape>,
    input: Input,
  ): Promise<ReadAnswer<Answer, Shape>> {
    const { json } = await this.#post(endpoint.path, (s) => ({
      merchantId: s.merchantId,
      termId: s.termId,
      ...endpoint.body(input),
    }));
    return answers.readDescribed(json, endpoint);
  }

  /** A reversal, refund or completion, read by `#moneyAnswer`. */
  #move(path: string, build: BodyBuilder, txId: string): Promise<MoneyMoveResult> {
    return this.#moneyAnswer(path, build, (json) => answers.readMoneyMove(json, path, txId));
  }

  /**
   * Sends a call that may move money and reads its answer; a refusal in an answer that came after
   * a 401 retry is marked (`afterRetry`), so that the caller does not take it as "nothing happened".
   */
  async #moneyAnswer<T>(path: string, build: BodyBuilder, read: (json: unknown) => T): Promise<T> {
    const answer = await this.#post(path, build);
    try {
      return read(answer.json);
    } catch (error) {
      if (error instanceof PayonRejectedError && answer.retried) error.afterRetry = true;
      throw error;
    }
  }

  /** Every endpoint but status answers 200; a 302 elsewhere is not a documented answer. */
  async #post(path: string, build: BodyBuilder): Promise<PayonAnswer> {
    const answer = await this.#transport.post(path, build);
    if (answer.status !== 200) {
      throw new PayonUnavailableError(
        `PAYON answered ${path} with HTTP ${answer.status}, which it documents only for status`,
        { path, mayHaveMovedMoney: true },
      );
    }
    return answer;
  }

  #pinProtector(secret: MerchantSecret, mode: 'rsa' | 'plain'): requests.PinProtector {
    if (mode === 'plain') return (pin) => pin;
    return (pin) => this.#encryptor(secret).encrypt(pin);
  }

  #encryptor(secret: MerchantSecret): PinEncryptor {
    const cached = this.#encryptors.get(secret);
    if (cached) return cached;
    if (!this.#pinEncryption) {
      throw new ConfigurationError(
        'this function was built without PIN encryption: pass pinEncryption to PayonClient',
      );
    }
    if (secret.payonPublicKey === undefined) {
      throw new ConfigurationError(
        'the merchant secret has no payonPublicKey: PINs cannot be encrypted for PAYON',
      );
    }
    const encryptor = this.#pinEncryption(secret.payonPublicKey, this.#config.rsaPadding);
    this.#encryptors.set(secret, encryptor);
    return encryptor;
  }
}
