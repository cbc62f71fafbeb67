import { createDatabaseCertificateStore } from '@tessera/certificates';
import { createNotifyProcessors, notifyConfigFromEnv, NotifyConfigError } from '@tessera/notify';
import type { Processors, Transport } from '@tessera/queue';
import { ConfigError } from './config';
import type { Logger } from './logger';

/**
 * Adds notify.email / notify.webhook to `processors` when the environment configures them
 * (SMTP_URL or SMTP_HOST + SMTP_FROM; WEBHOOK_SECRET), unless --processors brought its own, and
 * says at start which notify types this worker serves. A half-done configuration refuses to start.
 */
export function addNotifyProcessors(
  processors: Processors,
  transport: Transport,
  publicAppUrl: string,
  log: Logger,
  env: Record<string, string | undefined> = process.env,
): string[] {
  let config;
  try {
    config = notifyConfigFromEnv(env);
  } catch (error) {
    if (error instanceof NotifyConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const notify = createNotifyProcessors({
    transport,
    config,
    // Links in emails: /download/<token> pages of the web app for PDFs kept in the database.
    files: createDatabaseCertificateStore({ transport, publicAppUrl }),
  });
  for (const [jobType, processor] of Object.entries(notify.processors)) processors[jobType] ??= processor;
  if (notify.jobTypes.length > 0) log.info({ notifyTypes: notify.jobTypes }, `notifications: serving ${notify.jobTypes.join(', ')}`);
  else log.info('notifications: none configured (SMTP_URL or SMTP_HOST + SMTP_FROM for notify.email, WEBHOOK_SECRET for notify.webhook)');
  return notify.jobTypes;
}
