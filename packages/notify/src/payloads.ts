import { z } from 'zod';

/** What the notification trigger (0022) puts in a notify job: ids only; the rest is looked up at send time. */
export const notifyPayloadSchema = z.object({
  event: z.enum(['completed', 'failed']),
  certificate_id: z.uuid(),
  job_id: z.uuid(),
  user_id: z.uuid().nullable(),
});

export const webhookPayloadSchema = notifyPayloadSchema.extend({
  url: z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }),
});

export type NotifyPayload = z.output<typeof notifyPayloadSchema>;
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;
