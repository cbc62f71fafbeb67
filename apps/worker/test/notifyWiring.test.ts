import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgHarness, service, type QueueHarness } from '../../../packages/queue/test/support/harness';
import { ConfigError } from '../src/config';
import { addNotifyProcessors } from '../src/notifyProcessors';
import type { Processors } from '@tessera/queue';

// How tessera-worker picks up notify.email / notify.webhook from its environment (the
// end-to-end run is packages/notify/test/acceptance.test.ts).

let h: QueueHarness;
beforeAll(async () => {
  h = await createPgHarness();
});
afterAll(async () => {
  await h?.close();
});

function wire(env: Record<string, string>, processors: Processors = {}) {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const served = addNotifyProcessors(processors, h.transport(service), 'https://certificates.example.org', log, env);
  return { served, processors, messages: lines.map((line) => (JSON.parse(line) as { msg: string }).msg) };
}

it('serves the notify types the environment configures, and says so', () => {
  const both = wire({ SMTP_URL: 'smtp://mail.example.org', SMTP_FROM: 'c@example.org', WEBHOOK_SECRET: 'a-long-enough-secret' });
  expect(both.served).toEqual(['notify.email', 'notify.webhook']);
  expect(Object.keys(both.processors)).toEqual(['notify.email', 'notify.webhook']);
  expect(both.messages).toEqual(['notifications: serving notify.email, notify.webhook']);

  const webhookOnly = wire({ WEBHOOK_SECRET: 'a-long-enough-secret' });
  expect(webhookOnly.served).toEqual(['notify.webhook']);

  const none = wire({});
  expect(none.served).toEqual([]);
  expect(none.processors).toEqual({});
  expect(none.messages[0]).toMatch(/^notifications: none configured/);
});

it('keeps a notify processor that --processors brought', () => {
  const own = () => 'mine';
  const { processors } = wire({ WEBHOOK_SECRET: 'a-long-enough-secret' }, { 'notify.webhook': own });
  expect(processors['notify.webhook']).toBe(own);
});

it('refuses to start with a half-done configuration, naming the variable', () => {
  expect(() => wire({ SMTP_URL: 'smtp://mail.example.org' })).toThrow(ConfigError);
  expect(() => wire({ SMTP_URL: 'smtp://mail.example.org' })).toThrow(/SMTP_FROM is required/);
  expect(() => wire({ WEBHOOK_SECRET: 'short' })).toThrow(/WEBHOOK_SECRET must be at least 16 characters/);
});
