import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MultiErrorReply } from 'redis';
import type { RedisClient } from './redisServer';

/**
 * A small Upstash-compatible REST server over a real Redis, so the real `@upstash/redis` client
 * can be tested without Upstash. What it speaks, as @upstash/redis 1.39 uses it:
 *
 * - `POST /` with a JSON command array (`["SET","k","v","EX",10]`; numbers allowed) → `{"result": …}`
 * - `POST /pipeline` and `POST /multi-exec` with an array of commands → `[{"result"}|{"error"}, …]`
 * - `Authorization: Bearer <token>`; a wrong or missing token → 401
 * - `Upstash-Encoding: base64` (the client's default) → every string in a result is base64 of its
 *   UTF-8 bytes; the client decodes them (numbers and null pass as they are)
 * - a Redis error → status 400 with `{"error": "…"}`
 *
 * A second, read-only token behaves like Upstash's read-only token: write commands get NOPERM.
 */
export interface UpstashBridgeOptions {
  redis: RedisClient;
  token: string;
  readonlyToken?: string;
}

export interface LoggedCommand {
  access: 'write' | 'read';
  args: string[];
}

type CommandReply = { result: unknown } | { error: string };

/** Commands a read-only token may run (the subset of Redis' read commands the tests need). */
const READ_COMMANDS = new Set(['GET', 'MGET', 'EXISTS', 'TTL', 'PTTL', 'SCAN', 'TYPE', 'STRLEN', 'PING', 'ECHO', 'DBSIZE']);

export class UpstashBridge {
  /** Every command the bridge ran (or refused for a read-only token), in order. */
  readonly commands: LoggedCommand[] = [];
  /** HTTP requests received, counted on arrival (before any delay). */
  requests = 0;
  /** Holds every reply back this long, to simulate a slow or hanging Redis. */
  delayMs = 0;
  private server: Server | undefined;
  private port = 0;

  private constructor(private readonly options: UpstashBridgeOptions) {}

  static async start(options: UpstashBridgeOptions): Promise<UpstashBridge> {
    const bridge = new UpstashBridge(options);
    await bridge.start();
    return bridge;
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  /** Listens on a random port the first time, then on the same port again after `stop()`. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent && !response.destroyed) send(response, 500, { error: String(error) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts every open connection, like a crashed server. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    server.closeAllConnections();
    await closed;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [status, body] = await this.reply(request, response);
    send(response, status, body);
  }

  /** Works out the status and JSON body for one request. */
  private async reply(request: IncomingMessage, response: ServerResponse): Promise<[number, unknown]> {
    this.requests += 1;
    if (request.method !== 'POST') return [405, { error: 'only POST is supported' }];
    const access = this.accessFor(request.headers.authorization);
    if (!access) return [401, { error: 'Unauthorized' }];
    const text = await readBody(request);
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    // The client gave up (timeout) or the bridge was stopped: run nothing.
    if (response.destroyed) return [499, { error: 'client closed the request' }];
    const base64 = String(request.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return [400, { error: 'ERR failed to parse the request body as JSON' }];
    }
    const path = new URL(request.url ?? '/', 'http://bridge').pathname.replace(/\/+$/, '') || '/';
    if (path === '/') {
      const reply = await this.runOne(parsed, access);
      return ['error' in reply ? 400 : 200, encodeReply(reply, base64)];
    }
    if (path !== '/pipeline' && path !== '/multi-exec') return [404, { error: `unknown path ${path}` }];
    if (!Array.isArray(parsed) || parsed.length === 0) {
      return [400, { error: `ERR ${path} expects a non-empty array of commands` }];
    }
    const replies =
      path === '/pipeline'
        ? await Promise.all(parsed.map((command) => this.runOne(command, access)))
        : await this.runTransaction(parsed, access);
    if (!Array.isArray(replies)) return [400, replies];
    return [200, replies.map((reply) => encodeReply(reply, base64))];
  }

  private accessFor(authorization: string | undefined): LoggedCommand['access'] | undefined {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (token === undefined) return undefined;
    if (token === this.options.token) return 'write';
    if (token === this.options.readonlyToken) return 'read';
    return undefined;
  }

  private async runOne(command: unknown, access: LoggedCommand['access']): Promise<CommandReply> {
    const args = toArguments(command);
    if (typeof args === 'string') return { error: args };
    const refusal = this.check(args, access);
    if (refusal) return { error: refusal };
    try {
      return { result: await this.options.redis.sendCommand(args) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** MULTI/EXEC on one node-redis transaction; per-command errors come back per command. */
  private async runTransaction(commands: unknown[], access: LoggedCommand['access']): Promise<CommandReply[] | { error: string }> {
    const transaction = this.options.redis.multi();
    for (const command of commands) {
      const args = toArguments(command);
      if (typeof args === 'string') return { error: args };
      const refusal = this.check(args, access);
      if (refusal) return { error: refusal };
      transaction.addCommand(args);
    }
    try {
      const results: unknown[] = await transaction.exec();
      return results.map((result) => ({ result }));
    } catch (error) {
      if (error instanceof MultiErrorReply) {
        return error.replies.map((reply: unknown) =>
          reply instanceof Error ? { error: reply.message } : { result: reply },
        );
      }
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Logs the command; returns Upstash's NOPERM message when a read-only token tries to write. */
  private check(args: string[], access: LoggedCommand['access']): string | undefined {
    this.commands.push({ access, args });
    const name = (args[0] ?? '').toUpperCase();
    if (access === 'read' && !READ_COMMANDS.has(name)) {
      return `NOPERM this user has no permissions to run the '${name.toLowerCase()}' command`;
    }
    return undefined;
  }
}

function toArguments(command: unknown): string[] | string {
  const valid =
    Array.isArray(command) &&
    command.length > 0 &&
    command.every((part) => ['string', 'number', 'boolean'].includes(typeof part));
  if (!valid) return 'ERR a command must be a non-empty JSON array of strings and numbers';
  return command.map((part) => String(part));
}

function encodeReply(reply: CommandReply, base64: boolean): CommandReply {
  return 'error' in reply ? reply : { result: encodeValue(reply.result, base64) };
}

function encodeValue(value: unknown, base64: boolean): unknown {
  if (typeof value === 'string') return base64 ? Buffer.from(value, 'utf8').toString('base64') : value;
  if (Buffer.isBuffer(value)) return base64 ? value.toString('base64') : value.toString('utf8');
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, base64));
  if (value === undefined) return null;
  return value; // numbers, null
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
