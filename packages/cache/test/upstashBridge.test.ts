import { Redis } from '@upstash/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstashBridge } from './support/upstashBridge';
import { useRedisForTests } from './support/redisForTests';

const redis = await useRedisForTests('upstashBridge.test.ts');
const TOKEN = 'bridge-write-token';
const READ_TOKEN = 'bridge-read-token';

describe.skipIf(!redis.available)(redis.title('Upstash REST bridge over real Redis'), () => {
  let bridge: UpstashBridge;
  let prefix = '';

  beforeAll(async () => {
    bridge = await UpstashBridge.start({ redis: redis.client(), token: TOKEN, readonlyToken: READ_TOKEN });
    prefix = `tessera:${redis.newApp()}:`;
  });

  afterAll(async () => {
    await bridge.stop();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${bridge.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers 401 to a wrong or missing token', async () => {
    const wrong = await post('/', ['PING'], { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const missing = await fetch(bridge.url, { method: 'POST', body: '["PING"]' });
    expect(missing.status).toBe(401);
  });

  it('runs one command per POST / and returns {result}', async () => {
    const set = await post('/', ['SET', `${prefix}plain`, 'héllo', 'EX', 10]);
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['GET', `${prefix}plain`])).json()).toEqual({ result: 'héllo' });
    expect(await (await post('/', ['GET', `${prefix}absent`])).json()).toEqual({ result: null });
    const ttl = (await (await post('/', ['TTL', `${prefix}plain`])).json()) as { result: number };
    expect(ttl.result).toBeGreaterThan(0);
    expect(ttl.result).toBeLessThanOrEqual(10);
  });

  it('base64-encodes string results when asked with Upstash-Encoding: base64', async () => {
    await post('/', ['SET', `${prefix}encoded`, 'héllo 🌍', 'EX', 10]);
    const reply = await post('/', ['GET', `${prefix}encoded`], { 'upstash-encoding': 'base64' });
    const body = (await reply.json()) as { result: string };
    expect(body.result).toBe(Buffer.from('héllo 🌍', 'utf8').toString('base64'));
    const count = await post('/', ['EXISTS', `${prefix}encoded`], { 'upstash-encoding': 'base64' });
    expect(await count.json()).toEqual({ result: 1 });
  });

  it('answers a Redis error with status 400 and {error}', async () => {
    const reply = await post('/', ['NOSUCHCOMMAND', 'x']);
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: string }).error).toMatch(/unknown command/i);
    const malformed = await post('/', { not: 'a command' });
    expect(malformed.status).toBe(400);
  });

  it('runs /pipeline and /multi-exec with a result or an error per command', async () => {
    const pipeline = await post('/pipeline', [
      ['SET', `${prefix}p`, '1', 'EX', 10],
      ['INCR', `${prefix}p`],
      ['NOSUCHCOMMAND'],
      ['GET', `${prefix}p`],
    ]);
    expect(pipeline.status).toBe(200);
    const replies = (await pipeline.json()) as Array<{ result?: unknown; error?: string }>;
    expect(replies.slice(0, 2)).toEqual([{ result: 'OK' }, { result: 2 }]);
    expect(replies[2]?.error).toMatch(/unknown command/i);
    expect(replies[3]).toEqual({ result: '2' });

    const transaction = await post('/multi-exec', [
      ['SET', `${prefix}m`, 'a', 'EX', 10],
      ['APPEND', `${prefix}m`, 'b'],
      ['GET', `${prefix}m`],
    ]);
    expect(await transaction.json()).toEqual([{ result: 'OK' }, { result: 2 }, { result: 'ab' }]);
  });

  it('refuses writes with the read-only token (NOPERM) and allows reads', async () => {
    const headers = { authorization: `Bearer ${READ_TOKEN}` };
    const write = await post('/', ['SET', `${prefix}ro`, 'x'], headers);
    expect(write.status).toBe(400);
    expect(((await write.json()) as { error: string }).error).toMatch(/^NOPERM/);
    expect(await redis.client().exists(`${prefix}ro`)).toBe(0);
    const read = await post('/', ['GET', `${prefix}plain`], headers);
    expect(await read.json()).toEqual({ result: 'héllo' });
  });

  it('serves the real @upstash/redis client with its defaults (base64, auto-pipelining)', async () => {
    const client = new Redis({ url: bridge.url, token: TOKEN, enableTelemetry: false });
    await client.set(`${prefix}json`, { city: 'Zürich', n: 3 }, { ex: 10 });
    expect(await client.get(`${prefix}json`)).toEqual({ city: 'Zürich', n: 3 });
    const [, , text] = await Promise.all([
      client.set(`${prefix}text`, 'naïve ✓', { ex: 10 }),
      client.incr(`${prefix}counter`),
      client.get<string>(`${prefix}text`),
    ]);
    expect(text).toBe('naïve ✓');
    const piped = await client.pipeline().set(`${prefix}pp`, 'v', { ex: 10 }).get(`${prefix}pp`).exec();
    expect(piped).toEqual(['OK', 'v']);
    const multi = await client.multi().set(`${prefix}mm`, 'w', { ex: 10 }).get(`${prefix}mm`).exec();
    expect(multi).toEqual(['OK', 'w']);
    const [cursor, keys] = await client.scan(0, { match: `${prefix}*`, count: 1000 });
    expect(typeof cursor).toBe('string');
    expect(keys).toContain(`${prefix}json`);
    await client.del(`${prefix}counter`);
  });

  it('stops and starts again on the same port', async () => {
    const url = bridge.url;
    await bridge.stop();
    await expect(fetch(url, { method: 'POST', body: '["PING"]' })).rejects.toThrow();
    await bridge.start();
    expect(bridge.url).toBe(url);
    expect(await (await post('/', ['PING'])).json()).toEqual({ result: 'PONG' });
  });
});
