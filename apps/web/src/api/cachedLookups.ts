import { callRpc, type Transport } from '@tessera/queue';
import { appCache, TTL } from '../appCache';
import { parseMyEvents, verifyCertificate, type MyEvent, type Verification } from './certificates';

/** Thrown inside a loader so that "not issued (yet)" is never cached: getOrSet never caches errors. */
class NotIssuedYet extends Error {}

/** Public verification results, shared through the cache (MEDIUM); a miss is looked up every time. */
export async function cachedVerification(transport: Transport, serial: string): Promise<Verification | null> {
  const key = `verify:${serial.trim().toUpperCase()}`;
  try {
    return await appCache().getOrSet(
      key,
      async () => {
        const found = await verifyCertificate(transport, serial);
        if (!found) throw new NotIssuedYet();
        return found;
      },
      TTL.MEDIUM,
    );
  } catch (error) {
    if (error instanceof NotIssuedYet) return null;
    throw error;
  }
}

const eventsKey = (userId: string) => `user:${userId}:events`;

/** The user's events (MEDIUM). Per-user data: the browser cache keeps it in memory only. The raw
 * JSON rows are cached (the cache stores JSON values only), parsed on the way out. */
export async function cachedMyEvents(transport: Transport, userId: string): Promise<MyEvent[]> {
  return parseMyEvents(await appCache().getOrSet(eventsKey(userId), () => callRpc(transport, 'my_events'), TTL.MEDIUM));
}

/** A certificate was requested or issued: the event list must show its new state. */
export async function forgetUserEvents(userId: string): Promise<void> {
  await appCache().invalidate(`user:${userId}:`);
}
