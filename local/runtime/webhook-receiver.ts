/**
 * The demo shop's webhook receiver under `npm start` (`/demo/webhooks` on the local API): what a
 * merchant's backend does with a delivery. It verifies the `Payon-Signature` with `verifyWebhook`
 * (the package's `./webhooks` entry), keeps the last deliveries in memory and shows them to the
 * demo's result page (`GET /demo/webhooks`). Never deployed: it is not in the route table.
 */
import { verifyWebhook, WebhookVerificationError } from '#client/webhooks.ts';
import type { LocalPage } from '#local/runtime/server.ts';

/** What the result page shows of one delivery. */
export interface ReceivedWebhook {
  readonly at: string;
  readonly eventId: string;
  readonly type: string;
  readonly paymentId: string | null;
  readonly state: string | null;
  readonly verified: boolean;
  readonly attempt: string | null;
  readonly problem?: string;
}

const KEPT = 20;

export class DemoWebhookReceiver {
  /** The endpoint's signing secret, once the local runtime registered it. */
  secret: string | undefined;
  readonly received: ReceivedWebhook[] = [];

  readonly page: LocalPage = async ({ method, headers, body }) => {
    if (method === 'GET') {
      return {
        status: 200,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ items: this.received }),
      };
    }
    if (method !== 'POST') return { status: 405, contentType: 'text/plain', body: 'POST or GET' };
    const header = headers['payon-signature'];
    const attempt = headers['payon-delivery-attempt'];
    try {
      const event = verifyWebhook<{
        id: string;
        type: string;
        payment?: { id: string; state: string };
      }>(body, typeof header === 'string' ? header : undefined, this.secret ?? '');
      this.keep({
        at: new Date().toISOString(),
        eventId: event.id,
        type: event.type,
        paymentId: event.payment?.id ?? null,
        state: event.payment?.state ?? null,
        verified: true,
        attempt: typeof attempt === 'string' ? attempt : null,
      });
      return { status: 204, contentType: 'text/plain', body: '' };
    } catch (error) {
      const problem = error instanceof WebhookVerificationError ? error.message : 'unreadable';
      this.keep({
        at: new Date().toISOString(),
        eventId: String(headers['payon-event-id'] ?? ''),
        type: String(headers['payon-event-type'] ?? ''),
        paymentId: null,
        state: null,
        verified: false,
        attempt: typeof attempt === 'string' ? attempt : null,
        problem,
      });
      return { status: 400, contentType: 'text/plain', body: 'signature refused' };
    }
  };

  private keep(entry: ReceivedWebhook): void {
    this.received.unshift(entry);
    this.received.splice(KEPT);
  }
}
