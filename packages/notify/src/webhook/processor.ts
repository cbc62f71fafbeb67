import { callRpc, NotFoundError, PermanentJobError, type Job, type JobContext, type Transport } from '@tessera/queue';
import { z } from 'zod';
import type { WebhookConfig } from '../config';
import { fetchNotificationDetails } from '../details';
import { webhookPayloadSchema } from '../payloads';
import { parseServiceJob } from '../serviceJob';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './signature';

export interface WebhookProcessorOptions {
  /** Service-role access to the database (notification settings and details). */
  transport: Transport;
  config: WebhookConfig;
}

export interface WebhookResult {
  url: string;
  status: number;
}

/** The JSON body a receiver gets. `id` names the delivery: the same on every retry of it. */
export interface WebhookBody {
  id: string;
  type: 'certificate.completed' | 'certificate.failed';
  created_at: string;
  data: {
    certificate_id: string;
    job_id: string;
    user_id: string;
    serial: string;
    event_title: string;
    event_date: string;
    issued_at: string | null;
    status: string | null;
    error: string | null;
  };
}

const settingsSchema = z.object({ webhook_urls: z.array(z.string()) });

/**
 * `notify.webhook`: POSTs a signed JSON event to one configured URL. A non-2xx answer, a network
 * error or a timeout throws, so the queue retries with its backoff; a URL an admin has since
 * removed from the settings is not called any more.
 */
export function createWebhookProcessor(options: WebhookProcessorOptions) {
  const { transport, config } = options;
  return async (job: Job, ctx: JobContext): Promise<WebhookResult> => {
    const payload = parseServiceJob(job, webhookPayloadSchema);
    const settings = settingsSchema.parse(await callRpc(transport, 'get_notification_settings'));
    if (!settings.webhook_urls.includes(payload.url)) {
      throw new PermanentJobError(`${payload.url} is no longer a configured webhook URL`);
    }
    const details = await fetchNotificationDetails(transport, payload.certificate_id, payload.job_id).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new PermanentJobError(`certificate ${payload.certificate_id} no longer exists`);
      throw error;
    });
    const body: WebhookBody = {
      id: job.id,
      type: `certificate.${payload.event}`,
      created_at: job.createdAt.toISOString(),
      data: {
        certificate_id: details.certificate_id,
        job_id: payload.job_id,
        user_id: details.user_id,
        serial: details.serial,
        event_title: details.event_title,
        event_date: details.event_date,
        issued_at: details.issued_at?.toISOString() ?? null,
        status: details.job_status,
        error: payload.event === 'failed' ? details.job_error : null,
      },
    };
    const text = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    const timeout = AbortSignal.timeout(config.timeoutMs);
    let response: Response;
    try {
      response = await fetch(payload.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'tessera-notify',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(config.secret, timestamp, text),
          'X-Tessera-Delivery': job.id,
        },
        body: text,
        // A redirect is an answer we did not ask for: it counts as a failed delivery.
        redirect: 'manual',
        signal: AbortSignal.any([ctx.signal, timeout]),
      });
    } catch (error) {
      if (timeout.aborted && !ctx.signal.aborted) {
        throw new Error(`webhook ${payload.url} timed out after ${config.timeoutMs} ms`);
      }
      throw new Error(`webhook ${payload.url} failed: ${(error as Error).message}`, { cause: error });
    }
    // Read the answer so the connection is freed (a little of it goes into the error).
    const answer = await response.text().catch(() => '');
    if (response.status < 200 || response.status > 299) {
      throw new Error(`webhook ${payload.url} answered ${response.status}${answer ? `: ${answer.slice(0, 200)}` : ''}`);
    }
    return { url: payload.url, status: response.status };
  };
}
