/**
 * One property per sandbox profile: fast-check generates command lists, `asyncModelRun` plays
 * each against the real system (one harness per profile, fresh payments per run), the checker
 * runs after every command, and at the end the schedule is run out and the end state checked.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { cambodiaDay } from '#shared/domain/business-day.ts';
import { Checker, TALLY } from '#test/model/checker.ts';
import {
  commandArbitraries,
  type Model,
  type Real,
  reconcile,
  SECRETS,
  sweepOnce,
} from '#test/model/commands.ts';
import { type Harness, LENIENT } from '#test/model/harness.ts';

const HOUR = 3_600_000;

export interface ModelSettings {
  readonly seed: number;
  readonly runs: number;
  readonly maxCommands: number;
  readonly maxPayments: number;
  /** fast-check's replay path of a reported failure (with its seed). */
  readonly path?: string;
}

/** Runs the schedule out: past 24 h + expiry, sweeping at each due probe until nothing is due. */
async function scheduleOut(m: Model, r: Real): Promise<void> {
  const { h } = r;
  h.api.sandbox.clearFaults();
  await h.settlePushes();
  const keys = m.payments.map((p) => ({ pk: `PAY#${p.txId}`, sk: 'PAYMENT' }));
  const created = (await h.getItems(keys)).map((i) => Date.parse(String(i.createdAt)));
  const horizon = Math.max(h.now(), ...created) + 25 * HOUR;
  for (let step = 0; step < 80; step += 1) {
    const items = await h.getItems(keys);
    const due = items
      .filter((i) => typeof i.gsi1sk === 'string' && i.escalatedAt === undefined)
      .map((i) => Date.parse(String(i.gsi1sk).split('#')[0] ?? ''));
    const now = h.now();
    if (due.length === 0 && now >= horizon) break;
    // To the latest due probe: every waiting payment is probed once a step (a probe's count, not
    // its time, moves the schedule on; later is what a sweep that was down does).
    const next = due.length > 0 ? Math.max(...due) : horizon;
    if (next > now) h.advance(next - now + 1_000);
    await sweepOnce(r);
  }
  // The outbox: events the bus refused are redelivered (1 min, 5 min, 10 min, then hourly), until
  // none of the run's events waits. (A sweep's probe of an escalated payment may write an event
  // after its drain, and the bus may refuse that one too: a round that delivered nothing does not
  // mean nothing waits.)
  for (let round = 0; round < 12; round += 1) {
    h.advance(HOUR + 60_000);
    await sweepOnce(r);
    await h.settlePushes();
    if ((await undelivered(m, r)) === 0) break;
  }
}

/** The run's events the outbox still holds undelivered. */
async function undelivered(m: Model, r: Real): Promise<number> {
  const payments = await r.h.getItems(
    m.payments.map((p) => ({ pk: `PAY#${p.txId}`, sk: 'PAYMENT' })),
  );
  const keys = payments.flatMap((item) =>
    Array.from({ length: Number(item.version ?? 1) + 1 }, (_, v) => ({
      pk: `EVENT#evt_${String(item.txId)}_${v}`,
      sk: 'EVENT',
    })),
  );
  const events = await r.h.getItems(keys);
  return events.filter((e) => typeof e.deliveredAt !== 'string').length;
}

export async function runModel(h: Harness, settings: ModelSettings): Promise<void> {
  const lenient = LENIENT.has(h.profile);
  let runIndex = 0;
  const property = fc.asyncProperty(
    // Unbiased: every run as long as the next (a biased first run is a register and little else).
    fc.noBias(
      fc.commands(commandArbitraries(), { maxCommands: settings.maxCommands, size: 'max' }),
    ),
    async (commands) => {
      runIndex += 1;
      TALLY.runs += 1;
      h.api.sandbox.clearFaults();
      h.api.sandbox.journal.clear();
      // Each run starts on a fresh Cambodian day, so its reconciliation sees its own payments.
      h.advance(26 * HOUR);
      const checker = new Checker(h, lenient);
      checker.secrets.push(...SECRETS);
      const model: Model = {
        payments: [],
        bindings: [],
        states: new Map(),
        maxPayments: settings.maxPayments,
      };
      const run = `r${runIndex}-${randomUUID().slice(0, 6)}`;
      const real: Real = {
        h,
        checker,
        known: new Set(
          (await h.api.scan()).filter((i) => i.type === 'payment').map((i) => String(i.txId)),
        ),
        customers: [0, 1, 2].map((c) => `cust-${run}-${c}`),
      };
      await fc.asyncModelRun(() => ({ model, real }), commands);
      // The end: the run's days reconciled, the schedule run out; then every payment equals
      // PAYON's ledger (or is escalated as "cannot tell").
      const items = await h.getItems(
        model.payments.map((p) => ({ pk: `PAY#${p.txId}`, sk: 'PAYMENT' })),
      );
      const days = new Set(items.map((i) => cambodiaDay(new Date(String(i.createdAt)))));
      for (const day of days) await reconcile(real, day);
      const endStarted = Date.now();
      await scheduleOut(model, real);
      if (process.env.MODEL_DEBUG) console.log(`schedule out: ${Date.now() - endStarted} ms`);
      await checker.check('at the end of the schedule', model.payments, {
        final: true,
        fullScan: false,
      });
      // Every stored item, for card data.
      await checker.check('over every stored item', model.payments, { fullScan: true });
    },
  );
  await fc.assert(property, {
    seed: settings.seed,
    numRuns: settings.runs,
    ...(settings.path ? { path: settings.path } : {}),
    verbose: 1,
    // The soak reports a failing run at once, with its seed and path, and leaves shrinking to a
    // replay (`npm run model -- --seed N --path P`): a shrink of a long life can take hours.
    endOnFailure: process.env.MODEL_NO_SHRINK === '1',
    // A shrink replays a whole life against the real system: keep it bounded.
    interruptAfterTimeLimit: 20 * 60_000,
    markInterruptAsFailure: false,
  });
}
