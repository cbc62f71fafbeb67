// Server-only: SMTP credentials and the webhook signing key come from the Node environment.
// Nothing here may be imported by apps/web (the bundle-secrets test greps the build).
export { NOTIFY_EMAIL, NOTIFY_JOB_TYPES, NOTIFY_WEBHOOK, type NotifyJobType } from './jobTypes';
export {
  notifyConfigFromEnv,
  NotifyConfigError,
  type EmailConfig,
  type NotifyConfig,
  type SmtpSettings,
  type WebhookConfig,
} from './config';
export { notifyPayloadSchema, webhookPayloadSchema, type NotifyPayload, type WebhookPayload } from './payloads';
export type { CertificateFiles } from './certificateFiles';
export { fetchNotificationDetails, type NotificationDetails } from './details';
export { certificateEmail, type EmailContent } from './email/message';
export { createSmtpMailer, type Mailer } from './email/mailer';
export { createEmailProcessor, type EmailProcessorOptions, type EmailResult } from './email/processor';
export { createWebhookProcessor, type WebhookBody, type WebhookProcessorOptions, type WebhookResult } from './webhook/processor';
export { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER, verifyWebhook, type VerifyWebhookInput } from './webhook/signature';
export { createNotifyProcessors, type NotifyProcessors, type NotifyProcessorsOptions } from './processors';
