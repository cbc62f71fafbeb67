import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Tessera-Signature';
export const TIMESTAMP_HEADER = 'X-Tessera-Timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared secret. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestamp}.`);
  hmac.update(body);
  return `sha256=${hmac.digest('hex')}`;
}

export interface VerifyWebhookInput {
  secret: string;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string | Uint8Array;
  /** The X-Tessera-Timestamp header (unix seconds). */
  timestamp: string | null | undefined;
  /** The X-Tessera-Signature header. */
  signature: string | null | undefined;
  /** How far the timestamp may be from now, against replays (default 300 s). */
  toleranceSeconds?: number;
  /** Now, in unix seconds (tests). */
  nowSeconds?: number;
}

/**
 * For receivers: true only when the signature matches the body and timestamp under the secret
 * and the timestamp is recent. Compares in constant time.
 */
export function verifyWebhook(input: VerifyWebhookInput): boolean {
  const { secret, body, timestamp, signature } = input;
  if (!secret || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
