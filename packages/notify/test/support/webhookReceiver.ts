import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src';

export interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  /** Did the signature verify with the receiver's secret? */
  verified: boolean;
  /** The status the receiver answered. */
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 that verifies each delivery's signature with `secret` (as a
 * receiving app would, with verifyWebhook) and answers `answer(n)` to the n-th call (1-based).
 */
export class WebhookReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly deliveries: Delivery[],
  ) {}

  static async start(secret: string, answer: (call: number) => number = () => 200): Promise<WebhookReceiver> {
    const deliveries: Delivery[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const verified = verifyWebhook({
          secret,
          body,
          timestamp: request.headers['x-tessera-timestamp'] as string | undefined,
          signature: request.headers['x-tessera-signature'] as string | undefined,
        });
        const status = verified ? answer(deliveries.length + 1) : 401;
        deliveries.push({ headers: request.headers, body, verified, status });
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again later');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    return new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks/tessera`, deliveries);
  }

  async waitFor(count: number, timeoutMs = 20_000): Promise<Delivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliveries.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.deliveries.length} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.deliveries;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
