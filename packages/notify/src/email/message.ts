import type { NotificationDetails } from '../details';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export interface MessageInput {
  event: 'completed' | 'failed';
  details: NotificationDetails;
  /** The download link (completed only). */
  downloadUrl?: string;
  linkExpiresAt?: Date;
  attached: boolean;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Header text: one line, whatever the event title holds.
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ').trim();

/** Subject, plain text and HTML of a certificate notification (pure: the processor sends it). */
export function certificateEmail(input: MessageInput): EmailContent {
  const { details: d } = input;
  const where = [d.event_date, d.event_location].filter(Boolean).join(', ');
  const event = `${d.event_title} (${where})`;
  if (input.event === 'completed') {
    if (!input.downloadUrl) throw new Error('a completed certificate email needs its download link');
    const until = input.linkExpiresAt ? ` (the link works until ${input.linkExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)` : '';
    const attachedLine = input.attached ? 'The PDF is also attached to this email.' : '';
    const text = [
      `Hello ${d.attendee_name},`,
      '',
      `your certificate of attendance for ${event} is ready.`,
      '',
      `Download it here${until}:`,
      input.downloadUrl,
      '',
      `Serial number: ${d.serial}`,
      attachedLine,
    ]
      .filter((line, i, all) => line !== '' || all[i - 1] !== '')
      .join('\n');
    const url = escapeHtml(input.downloadUrl);
    const html = [
      `<p>Hello ${escapeHtml(d.attendee_name)},</p>`,
      `<p>your certificate of attendance for <strong>${escapeHtml(event)}</strong> is ready.</p>`,
      `<p><a href="${url}">Download your certificate</a>${escapeHtml(until)}<br><span style="font-size:12px;color:#555">${url}</span></p>`,
      `<p>Serial number: ${escapeHtml(d.serial)}</p>`,
      input.attached ? `<p>${attachedLine}</p>` : '',
    ].join('\n');
    return { subject: oneLine(`Your certificate is ready: ${d.event_title}`), text, html };
  }
  const text = [
    `Hello ${d.attendee_name},`,
    '',
    `we could not create your certificate for ${event}.`,
    'The organisers have been told; you can also try again in the app.',
  ].join('\n');
  const html = [
    `<p>Hello ${escapeHtml(d.attendee_name)},</p>`,
    `<p>we could not create your certificate for <strong>${escapeHtml(event)}</strong>.</p>`,
    '<p>The organisers have been told; you can also try again in the app.</p>',
  ].join('\n');
  return { subject: oneLine(`Your certificate could not be created: ${d.event_title}`), text, html };
}
