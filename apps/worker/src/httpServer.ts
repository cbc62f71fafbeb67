import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpEndpoints {
  /** ok: 200, else 503; the body is JSON. */
  health(): { ok: boolean; body: Record<string, unknown> };
  metrics(): Promise<{ contentType: string; text: string }>;
}

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/** GET /healthz and GET /metrics (Prometheus text); nothing else. */
export async function startHttpServer(port: number, endpoints: HttpEndpoints): Promise<HttpServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      const { ok, body } = endpoints.health();
      response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else if (path === '/metrics') {
      endpoints.metrics().then(
        ({ contentType, text }) => response.writeHead(200, { 'content-type': contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
      );
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
