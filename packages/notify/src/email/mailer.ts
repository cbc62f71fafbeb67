import nodemailer from 'nodemailer';
import type { SmtpSettings } from '../config';

/** What the email processor needs of a mail transport (nodemailer's Transporter has it). */
export interface Mailer {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId?: string;
    attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
    signal?: AbortSignal;
  }): Promise<{ messageId?: string; accepted?: unknown[]; rejected?: unknown[] }>;
  close(): void;
}

/** A nodemailer SMTP transport from SMTP_URL or host/port/user/pass; no pooling (jobs are few). */
export function createSmtpMailer(smtp: SmtpSettings): Mailer {
  const timeouts = { connectionTimeout: smtp.timeoutMs, greetingTimeout: smtp.timeoutMs, socketTimeout: smtp.timeoutMs };
  if (smtp.url) {
    const url = new URL(smtp.url);
    return nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
      secure: url.protocol === 'smtps:',
      auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
      ...timeouts,
    });
  }
  const secure = smtp.secure ?? smtp.port === 465;
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port ?? (secure ? 465 : 587),
    secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
    ...timeouts,
  });
}
