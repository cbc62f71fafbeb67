import type { Processors, Transport } from '@tessera/queue';
import type { CertificateFiles } from './certificateFiles';
import type { NotifyConfig } from './config';
import { createSmtpMailer, type Mailer } from './email/mailer';
import { createEmailProcessor } from './email/processor';
import { NOTIFY_EMAIL, NOTIFY_WEBHOOK } from './jobTypes';
import { createWebhookProcessor } from './webhook/processor';

export interface NotifyProcessorsOptions {
  /** A service-role transport (a Node worker's pg connection). */
  transport: Transport;
  config: NotifyConfig;
  /** Download links (and bytes for attachments); needed when email is configured. */
  files?: CertificateFiles;
  /** Overrides the SMTP transport built from config.email.smtp. */
  mailer?: Mailer;
}

export interface NotifyProcessors {
  /** The processors of the configured channels: notify.email and/or notify.webhook. */
  processors: Processors;
  /** Their job types, for the worker's start-up log. */
  jobTypes: string[];
  /** Closes the SMTP connection. */
  close(): void;
}

/** The notify processors the configuration allows (none when neither SMTP nor a webhook secret is set). */
export function createNotifyProcessors(options: NotifyProcessorsOptions): NotifyProcessors {
  const { transport, config } = options;
  const processors: Processors = {};
  let mailer: Mailer | undefined;
  if (config.email) {
    if (!options.files) throw new Error('email notifications need the certificate store (download links)');
    mailer = options.mailer ?? createSmtpMailer(config.email.smtp);
    processors[NOTIFY_EMAIL] = createEmailProcessor({ transport, files: options.files, mailer, config: config.email });
  }
  if (config.webhook) {
    processors[NOTIFY_WEBHOOK] = createWebhookProcessor({ transport, config: config.webhook });
  }
  return { processors, jobTypes: Object.keys(processors), close: () => mailer?.close() };
}
