import { describe, expect, it } from 'vitest';
import { certificateEmail, notifyConfigFromEnv, NotifyConfigError } from '../src';

describe('notifyConfigFromEnv', () => {
  it('turns on nothing without SMTP or a webhook secret', () => {
    expect(notifyConfigFromEnv({})).toEqual({});
    expect(notifyConfigFromEnv({ SMTP_URL: '', WEBHOOK_SECRET: '' })).toEqual({});
  });

  it('reads SMTP_URL or host/port/user/pass, with defaults', () => {
    const fromUrl = notifyConfigFromEnv({ SMTP_URL: 'smtps://u:p@mail.example.org', SMTP_FROM: 'Certs <c@example.org>' });
    expect(fromUrl.email).toMatchObject({
      smtp: { url: 'smtps://u:p@mail.example.org', timeoutMs: 10_000 },
      from: 'Certs <c@example.org>',
      attachMaxBytes: 1_048_576,
      linkTtlSeconds: 604_800,
    });
    const fromParts = notifyConfigFromEnv({
      SMTP_HOST: 'mail.example.org',
      SMTP_PORT: '2525',
      SMTP_USER: 'u',
      SMTP_PASS: 'p',
      SMTP_FROM: 'c@example.org',
      NOTIFY_ATTACH_MAX_BYTES: '0',
    });
    expect(fromParts.email).toMatchObject({ smtp: { host: 'mail.example.org', port: 2525, user: 'u', pass: 'p' }, attachMaxBytes: 0 });
    expect(fromParts.webhook).toBeUndefined();
  });

  it('names the missing or wrong variable', () => {
    const error = (env: Record<string, string>) => {
      try {
        notifyConfigFromEnv(env);
      } catch (caught) {
        expect(caught).toBeInstanceOf(NotifyConfigError);
        return (caught as Error).message;
      }
      throw new Error('expected a NotifyConfigError');
    };
    expect(error({ SMTP_URL: 'smtp://mail.example.org' })).toMatch(/SMTP_FROM is required/);
    expect(error({ SMTP_URL: 'http://mail.example.org', SMTP_FROM: 'c@example.org' })).toMatch(/SMTP_URL must look like smtp:\/\//);
    expect(error({ SMTP_HOST: 'h', SMTP_USER: 'u', SMTP_FROM: 'c@example.org' })).toMatch(/SMTP_PASS is required with SMTP_USER/);
    expect(error({ SMTP_HOST: 'h', SMTP_PORT: 'x', SMTP_FROM: 'c@example.org' })).toMatch(/SMTP_PORT must be a number/);
    expect(error({ SMTP_FROM: 'c@example.org' })).toMatch(/SMTP_URL or SMTP_HOST is required/);
    expect(error({ WEBHOOK_SECRET: 'short' })).toMatch(/WEBHOOK_SECRET must be at least 16 characters/);
    expect(error({ WEBHOOK_SECRET: 'a-long-enough-secret', WEBHOOK_TIMEOUT_MS: '5' })).toMatch(/WEBHOOK_TIMEOUT_MS must be at least 100/);
    expect(error({ SMTP_URL: 'smtp://h', SMTP_FROM: 'c@example.org', NOTIFY_LINK_TTL_SECONDS: '9999999' })).toMatch(
      /NOTIFY_LINK_TTL_SECONDS must be at most 604800/,
    );
  });
});

describe('certificateEmail', () => {
  const details = {
    certificate_id: 'c',
    serial: 'TSR-2026-000001',
    attendee_name: 'Ada <script>',
    event_title: 'Queues\r\nBcc: victim@example.org',
    event_date: '2026-10-14',
    event_location: 'Lisbon',
    user_id: 'u',
    email: 'ada@example.org',
    issued_at: new Date(),
    pdf_bytes: 10,
    job_id: 'j',
    job_status: 'completed',
    job_error: null,
  };

  it('keeps database text out of the markup and the headers', () => {
    const email = certificateEmail({ event: 'completed', details, downloadUrl: 'https://x.example/download/t?a=1&b=2', attached: false });
    expect(email.subject).toBe('Your certificate is ready: Queues Bcc: victim@example.org');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.html).toContain('Ada &lt;script&gt;');
    expect(email.html).toContain('href="https://x.example/download/t?a=1&amp;b=2"');
    expect(email.text).toContain('https://x.example/download/t?a=1&b=2');
  });
});
