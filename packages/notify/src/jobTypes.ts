/** The server-only job types of this package; the database enqueues them (0022_notifications.sql). */
export const NOTIFY_EMAIL = 'notify.email';
export const NOTIFY_WEBHOOK = 'notify.webhook';
export const NOTIFY_JOB_TYPES = [NOTIFY_EMAIL, NOTIFY_WEBHOOK] as const;
export type NotifyJobType = (typeof NOTIFY_JOB_TYPES)[number];
