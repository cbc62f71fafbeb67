import type { PGlite } from '@electric-sql/pglite';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { QueueClient, type JwtClaims } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { cleanup, render } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createMigratedPGlite } from '../../../packages/queue/test/support/pglite';
import { MemoryRouter } from 'react-router';
import { AdminPage } from '../src/admin/AdminPage';
import { SessionContext, type Session } from '../src/session/Session';

export { createMigratedPGlite };

/**
 * One migrated PGlite for a test file: created before its tests, emptied of jobs and pauses (and
 * whatever `resetSql` adds) before each, closed after them. Read it as `database.db` in tests.
 */
export function setUpAdminDatabase(resetSql = ''): { readonly db: PGlite } {
  const database = {} as { db: PGlite };
  beforeAll(async () => {
    database.db = await createMigratedPGlite();
  });
  afterAll(async () => {
    await database.db?.close();
  });
  beforeEach(async () => {
    await database.db.exec(`truncate public.job_queue, public.queue_pauses cascade; ${resetSql}`);
  });
  afterEach(cleanup);
  return database;
}

export const ADMIN_ID = '00000000-0000-4000-8000-0000000ad001';
export const ADA_ID = '00000000-0000-4000-8000-00000000a7a1';

/** Renders /admin as the signed-in app would: session, TanStack Query and a router around it. */
export function renderAdminPage(db: PGlite, who: 'admin' | 'attendee') {
  const claims: JwtClaims =
    who === 'admin'
      ? { sub: ADMIN_ID, role: 'authenticated', app_metadata: { role: 'admin' } }
      : { sub: ADA_ID, role: 'authenticated' };
  const transport = new PGliteTransport(db, { claims });
  const session: Session = {
    userId: claims.sub!,
    displayName: who === 'admin' ? 'Queue admin' : 'Ada Lovelace',
    isAdmin: who === 'admin',
    transport,
    client: new QueueClient(transport),
  };
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={['/admin']}>
      <QueryClientProvider client={queryClient}>
        <SessionContext.Provider value={session}>
          <AdminPage />
        </SessionContext.Provider>
      </QueryClientProvider>
    </MemoryRouter>,
  );
}

export interface SeedJob {
  jobType: string;
  state: 'pending' | 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled';
  error?: string;
  userId?: string;
  /** Minutes ago it was created (and finished); default 10. */
  minutesAgo?: number;
  payload?: Record<string, unknown>;
}

/** Puts jobs in place by SQL as the superuser; returns their ids. */
export async function seedJobs(db: PGlite, jobs: readonly SeedJob[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, job] of jobs.entries()) {
    const status = job.state === 'scheduled' ? 'pending' : job.state;
    const { rows } = await db.query<{ id: string }>(
      `insert into public.job_queue (job_type, status, user_id, payload, attempts, run_at, locked_by, locked_until,
                                     error_message, errors, created_at, completed_at)
       values ($1, $2, $3, $4, case when $2 in ('processing', 'failed') then 1 else 0 end,
               case when $5 then now() + interval '1 hour' else now() - make_interval(mins => $7) end,
               case when $2 = 'processing' then 'node-1' end,
               case when $2 = 'processing' then now() + interval '5 minutes' end,
               $6::text,
               case when $6::text is null then '[]'::jsonb
                    else jsonb_build_array(jsonb_build_object('attempt', 1, 'at', now(), 'message', $6::text, 'worker', 'node-1')) end,
               now() - make_interval(mins => $7) - make_interval(secs => $8),
               case when $2 in ('completed', 'failed', 'cancelled') then now() - make_interval(mins => $7) end)
       returning id`,
      [
        job.jobType,
        status,
        job.userId ?? ADA_ID,
        job.payload ?? {},
        job.state === 'scheduled',
        job.error ?? (job.state === 'failed' ? 'boom' : null),
        job.minutesAgo ?? 10,
        index,
      ],
    );
    ids.push(rows[0]!.id);
  }
  return ids;
}
