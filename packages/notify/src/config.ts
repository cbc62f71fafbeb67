import { z } from 'zod';

/** The environment could not configure notifications; the message names each variable at fault. */
export class NotifyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifyConfigError';
  }
}

export interface SmtpSettings {
  /** `smtp://user:pass@host:port` or `smtps://…`, or host/port/user/pass. */
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  user?: string;
  pass?: string;
  /** Connection, greeting and socket timeouts. */
  timeoutMs: number;
}

export interface EmailConfig {
  smtp: SmtpSettings;
  /** The sender, e.g. `Certificates <certificates@example.org>`. */
  from: string;
  /** PDFs up to this size go along as an attachment; larger ones only as the link. */
  attachMaxBytes: number;
  /** How long the download link in an email works. */
  linkTtlSeconds: number;
}

export interface WebhookConfig {
  /** The HMAC-SHA256 key of X-Tessera-Signature. */
  secret: string;
  /** A delivery that takes longer fails (and is retried by the queue). */
  timeoutMs: number;
}

/** What the environment turns on: email when SMTP is configured, webhooks when a secret is. */
export interface NotifyConfig {
  email?: EmailConfig;
  webhook?: WebhookConfig;
}

type Env = Record<string, string | undefined>;

const int = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const bool = (name: string) =>
  z.enum(['true', 'false', '1', '0'], { error: `${name} must be true or false` }).transform((v) => v === 'true' || v === '1');

const smtpUrl = z
  .string()
  .regex(/^smtps?:\/\/[^\s/]+/, 'SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465');

const emailSchema = z
  .object({
    SMTP_URL: smtpUrl.optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: int('SMTP_PORT', 1, 65_535).optional(),
    SMTP_SECURE: bool('SMTP_SECURE').optional(),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASS: z.string().min(1).optional(),
    SMTP_FROM: z
      .string({ error: 'SMTP_FROM is required when SMTP_URL or SMTP_HOST is set (the sender, e.g. "Certificates <certificates@example.org>")' })
      .regex(/\S+@\S+/, 'SMTP_FROM must contain an email address, e.g. "Certificates <certificates@example.org>"'),
    SMTP_TIMEOUT_MS: int('SMTP_TIMEOUT_MS', 100, 600_000).default(10_000),
    NOTIFY_ATTACH_MAX_BYTES: int('NOTIFY_ATTACH_MAX_BYTES', 0, 10_485_760).default(1_048_576),
    // At most 7 days: the certificate store's limit on download links.
    NOTIFY_LINK_TTL_SECONDS: int('NOTIFY_LINK_TTL_SECONDS', 60, 604_800).default(604_800),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL && env.SMTP_HOST) {
      ctx.addIssue({ code: 'custom', message: 'set either SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASS), not both' });
    }
    if (env.SMTP_HOST && Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASS)) {
      ctx.addIssue({ code: 'custom', message: `${env.SMTP_USER ? 'SMTP_PASS' : 'SMTP_USER'} is required with ${env.SMTP_USER ? 'SMTP_USER' : 'SMTP_PASS'}` });
    }
  });

const webhookSchema = z.object({
  WEBHOOK_SECRET: z.string().min(16, 'WEBHOOK_SECRET must be at least 16 characters (a random key shared with the receiver)'),
  WEBHOOK_TIMEOUT_MS: int('WEBHOOK_TIMEOUT_MS', 100, 120_000).default(10_000),
});

function parse<T>(schema: z.ZodType<T>, env: Env, what: string): T {
  // Empty strings count as unset, as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  - ${issue.message}`);
  throw new NotifyConfigError(`${what} is misconfigured:\n${problems.join('\n')}`);
}

/**
 * Reads the notification settings from a Node environment (never a browser: these are secrets).
 * Email is on when SMTP_URL or SMTP_HOST is set, webhooks when WEBHOOK_SECRET is; a half-done
 * configuration throws NotifyConfigError naming the missing or bad variables.
 */
export function notifyConfigFromEnv(env: Env = process.env): NotifyConfig {
  const config: NotifyConfig = {};
  if (env.SMTP_URL || env.SMTP_HOST) {
    const e = parse(emailSchema, env, 'email (SMTP)');
    config.email = {
      smtp: {
        url: e.SMTP_URL,
        host: e.SMTP_HOST,
        port: e.SMTP_PORT,
        secure: e.SMTP_SECURE,
        user: e.SMTP_USER,
        pass: e.SMTP_PASS,
        timeoutMs: e.SMTP_TIMEOUT_MS,
      },
      from: e.SMTP_FROM,
      attachMaxBytes: e.NOTIFY_ATTACH_MAX_BYTES,
      linkTtlSeconds: e.NOTIFY_LINK_TTL_SECONDS,
    };
  } else if (env.SMTP_FROM || env.SMTP_USER || env.SMTP_PASS || env.SMTP_PORT) {
    throw new NotifyConfigError('email (SMTP) is misconfigured:\n  - SMTP_URL or SMTP_HOST is required when other SMTP_* variables are set');
  }
  if (env.WEBHOOK_SECRET !== undefined && env.WEBHOOK_SECRET !== '') {
    const w = parse(webhookSchema, env, 'webhooks');
    config.webhook = { secret: w.WEBHOOK_SECRET, timeoutMs: w.WEBHOOK_TIMEOUT_MS };
  }
  return config;
}
