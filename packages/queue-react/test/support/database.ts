import { QueueClient, type RpcArgs, type Transport, type Unsubscribe } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { createMigratedPGlite } from '../../../queue/test/support/pglite';

export type TestDatabase = Awaited<ReturnType<typeof createMigratedPGlite>>;

/** An in-memory PGlite with the real schema (supabase/local + supabase/migrations). Close it in afterAll. */
export const createTestDatabase = createMigratedPGlite;

/** A Transport that counts every RPC by function name: the tests' measure of "no polling". */
export class CountingTransport implements Transport {
  readonly calls: string[] = [];

  constructor(private readonly inner: Transport) {}

  rpc(fn: string, args?: RpcArgs): Promise<unknown> {
    this.calls.push(fn);
    return this.inner.rpc(fn, args);
  }

  subscribe(channel: string, listener: (payload: string) => void): Promise<Unsubscribe> {
    return this.inner.subscribe(channel, listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  count(fn?: string): number {
    return fn === undefined ? this.calls.length : this.calls.filter((call) => call === fn).length;
  }
}

/** A fresh user per test, so tests on one database never see each other's jobs. */
export function newUserId(): string {
  return crypto.randomUUID();
}

/** A QueueClient acting as `userId` (what a signed-in browser has), counting its RPCs. */
export function userClient(db: TestDatabase, userId: string): { client: QueueClient; transport: CountingTransport } {
  const transport = new CountingTransport(new PGliteTransport(db, { claims: { sub: userId, role: 'authenticated' } }));
  return { client: new QueueClient(transport), transport };
}

export interface JobRow {
  status: string;
  attempts: number;
  progress: number;
  locked_by: string | null;
  error_message: string | null;
}

/** Reads a row as the database owner: the tests' look at the truth, outside any counted transport. */
export async function readJob(db: TestDatabase, id: string): Promise<JobRow> {
  const result = await db.query<JobRow>(
    'select status, attempts, progress, locked_by, error_message from public.job_queue where id = $1',
    [id],
  );
  const row = result.rows[0];
  if (!row) throw new Error(`job ${id} not found`);
  return row;
}
