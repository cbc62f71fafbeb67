import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LeaseLostError, NotAllowedError, NotFoundError, ValidationError, toQueueError } from '../../src/errors';
import { callRpc } from '../../src/rpc/call';
import type { JwtClaims, Transport } from '../../src/transport';
import { PgTransport } from '../../src/transports/pg';
import { PGliteTransport } from '../../src/transports/pglite';
import { IMPERSONATE_QUERY } from '../../src/transports/sql-call';
import { anon, createPGliteHarness, createPgHarness, service, type Actor, type QueueHarness } from '../support/harness';
import { ADA, ADA_WORKER, ATHENS, BORIS, MOSCOW, buildWorld, type World } from './fixtures';
import { fingerprint } from './invariants';
import { rpcSpecs } from './rpcSpecs';

/** Callable by anyone, anon included (the QR code's /verify page; the UI's "am I admin?"; a download link's token). */
const PUBLIC_FUNCTIONS = ['verify_certificate', 'is_queue_admin', 'redeem_certificate_download'];
/** Queue admins and the service role only (0004, 0006, 0011). */
const ADMIN_FUNCTIONS = [
  'pause_queue',
  'resume_queue',
  'requeue_stalled',
  'cleanup_jobs',
  'run_maintenance',
  'maintenance_mode',
  'admin_list_jobs',
  'queue_throughput',
  'retry_jobs',
  'cancel_jobs',
  'delete_jobs',
  'promote_jobs',
  'promote_job',
  // Notifications (0022): settings for admins, message details for the service role only.
  'get_notification_settings',
  'set_notification_settings',
  'notification_details',
  // Live workers (0019), schedules (0020; the last two for tickers, i.e. the service role). (0018's
  // set_job_type_settings reads auth.uid() before its admin check: its refusals are in contract/policies.ts.)
  'list_workers',
  'forget_worker',
  'upsert_job_schedule',
  'set_job_schedule_enabled',
  'delete_job_schedule',
  'list_job_schedules',
  'init_job_schedule',
  'run_schedule_slot',
];

/** A transport with arbitrary JWT claims over the harness's database (what PostgREST would set). */
function transportWithClaims(h: QueueHarness, claims: JwtClaims): Transport {
  const base = h.transport(service);
  if (base instanceof PGliteTransport) return base.as(claims);
  if (base instanceof PgTransport) return new PgTransport({ pool: base.pool, claims });
  throw new Error(`no claims transport for ${h.name}`);
}

/** One statement in a transaction whose database role and JWT claims are chosen separately. */
async function queryAsRole<T>(h: QueueHarness, dbRole: string, claims: JwtClaims, text: string): Promise<T[]> {
  const base = h.transport(service);
  const values = [dbRole, JSON.stringify(claims)];
  if (base instanceof PGliteTransport) {
    return base.db.transaction(async (tx) => {
      await tx.query(IMPERSONATE_QUERY, values);
      const rows = (await tx.query<T>(text)).rows;
      await tx.rollback();
      return rows;
    });
  }
  if (!(base instanceof PgTransport)) throw new Error(`no raw SQL for ${h.name}`);
  const client = await base.pool.connect();
  try {
    await client.query('begin');
    await client.query(IMPERSONATE_QUERY, values);
    return (await client.query(text)).rows as T[];
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

for (const [name, createHarness] of [
  ['Postgres', createPgHarness],
  ['PGlite', createPGliteHarness],
] as const) {
  describe(`hostile callers on ${name}`, () => {
    let h: QueueHarness;
    let world: World;
    let allFunctions: string[];
    const rpc = (actor: Actor, fn: string, args?: Record<string, unknown>) => callRpc(h.transport(actor), fn, args);
    /** Each function with the well-formed arguments of its fuzz example (so only the caller is wrong). */
    const examples = () => new Map(rpcSpecs(world).map((spec) => [spec.fn, spec.example[1]]));

    beforeAll(async () => {
      h = await createHarness();
      const rows = await h.sql<{ name: string }>(
        `select proname as name from pg_catalog.pg_proc where pronamespace = 'public'::regnamespace order by 1`,
      );
      allFunctions = rows.map((row) => row.name);
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      world = await buildWorld(h);
    });

    it('anon is refused by every function except the PUBLIC_FUNCTIONS, and writes nothing', async () => {
      const before = await fingerprint(h);
      const args = examples();
      for (const fn of allFunctions.filter((f) => !PUBLIC_FUNCTIONS.includes(f))) {
        const attempt = rpc(anon, fn, args.get(fn));
        await expect(attempt, fn).rejects.toBeInstanceOf(NotAllowedError);
      }
      expect(await fingerprint(h)).toEqual(before);
      expect(await rpc(anon, 'is_queue_admin')).toBe(false);
      const verified = (await rpc(anon, 'verify_certificate', { p_serial: world.issuedSerial })) as unknown[];
      expect(verified).toHaveLength(1);
    });

    it('a JWT whose sub is not a uuid is bad input on every function that reads auth.uid(), never a server fault', async () => {
      const forged = transportWithClaims(h, { role: 'authenticated', sub: "ada'; drop table public.job_queue; --" });
      const before = await fingerprint(h);
      const args = examples();
      for (const fn of allFunctions) {
        const attempt = callRpc(forged, fn, args.get(fn));
        if (PUBLIC_FUNCTIONS.includes(fn)) {
          await expect(attempt, fn).resolves.toBeDefined();
        } else if (ADMIN_FUNCTIONS.includes(fn)) {
          // The admin check reads the claims' role and app_metadata, not the sub: not an admin.
          await expect(attempt, fn).rejects.toBeInstanceOf(NotAllowedError);
        } else {
          await expect(attempt, fn).rejects.toBeInstanceOf(ValidationError);
          await expect(attempt, fn).rejects.toThrow(/invalid input syntax for type uuid/);
        }
      }
      expect(await fingerprint(h)).toEqual(before);
      expect(await callRpc(forged, 'is_queue_admin')).toBe(false);
    });

    it('a well-formed sub of someone else (a stranger) sees nothing of Ada’s', async () => {
      const stranger: Actor = { kind: 'user', id: randomUUID() };
      expect(await rpc(stranger, 'list_jobs')).toEqual([]);
      expect(await rpc(stranger, 'queue_stats')).toEqual([]);
      expect(await rpc(stranger, 'next_run_at')).toBeNull();
      expect(await rpc(stranger, 'my_events')).toEqual([]);
      expect(await rpc(stranger, 'my_certificates')).toEqual([]);
      expect(await rpc(stranger, 'claim_jobs', { p_worker_id: 'stranger', p_limit: 100 })).toEqual([]);
      expect(await h.sqlAs(stranger, 'select id from public.job_queue')).toEqual([]);
      expect(await h.sqlAs(stranger, 'select id from public.certificates')).toEqual([]);
      await expect(rpc(stranger, 'get_job', { p_job_id: world.pending })).rejects.toBeInstanceOf(NotFoundError);
      const health = (await rpc(stranger, 'queue_health')) as { metrics: Record<string, number> };
      expect(health.metrics).toMatchObject({ waiting: 0, expired_leases: 0, failed_last_hour: 0 });
    });

    it('user B with A’s job ids is refused by every function that takes a job id, and A’s jobs stay as they were', async () => {
      const before = await fingerprint(h);
      const lease = { p_worker_id: ADA_WORKER };
      const job = world.processing;
      await expect(rpc(BORIS, 'get_job', { p_job_id: world.pending })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'cancel_job', { p_job_id: world.pending })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'cancel_job', { p_job_id: job })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'retry_job', { p_job_id: world.failed })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'delete_job', { p_job_id: world.completed })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'promote_job', { p_job_id: world.scheduled })).rejects.toBeInstanceOf(NotAllowedError);
      // Knowing Ada's worker id (locked_by is readable by Ada, and could leak) is not enough.
      await expect(rpc(BORIS, 'heartbeat_job', { p_job_id: job, ...lease })).rejects.toBeInstanceOf(LeaseLostError);
      await expect(rpc(BORIS, 'complete_job', { p_job_id: job, ...lease, p_result: { forged: true } })).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(rpc(BORIS, 'fail_job', { p_job_id: job, ...lease, p_error: 'sabotage' })).rejects.toBeInstanceOf(
        LeaseLostError,
      );
      await expect(
        rpc(BORIS, 'save_certificate', { p_job_id: world.certificateJob, ...lease, p_pdf_base64: 'JVBERi0xLjcK' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await rpc(BORIS, 'release_jobs', { p_job_ids: world.allJobIds, ...lease })).toEqual([]);
      expect(await rpc(BORIS, 'complete_jobs', { p_job_ids: world.allJobIds, ...lease })).toEqual([]);
      expect(
        await rpc(BORIS, 'fail_jobs', { p_job_ids: [job], ...lease, p_errors: ['sabotage'] }),
      ).toEqual([]);
      // The service role's lease is the service role's only, whoever asks.
      await expect(
        rpc(ADA, 'complete_job', { p_job_id: world.serviceLeased, p_worker_id: 'node-1' }),
      ).rejects.toBeInstanceOf(LeaseLostError);
      expect(await fingerprint(h)).toEqual(before);
    });

    it('user B cannot read, nor make a job for, A’s certificates', async () => {
      const [ada] = await h.sql<{ serial: string }>(`select serial from public.certificates where user_id = $1`, [ADA.id]);
      await expect(rpc(BORIS, 'get_certificate_pdf', { p_serial: world.issuedSerial })).resolves.toBeTypeOf('string');
      await expect(rpc(ADA, 'get_certificate_pdf', { p_serial: world.issuedSerial })).rejects.toBeInstanceOf(NotFoundError);
      await expect(rpc(BORIS, 'get_certificate_pdf', { p_serial: ada!.serial })).rejects.toBeInstanceOf(NotFoundError);
      // Ada is not registered for MOSCOW: no certificate, no job.
      const before = await fingerprint(h);
      await expect(rpc(ADA, 'request_certificate', { p_event_id: MOSCOW })).rejects.toBeInstanceOf(NotAllowedError);
      expect(await fingerprint(h)).toEqual(before);
      // Boris's request for ATHENS returns his own (finished) job, never Ada's.
      const mine = (await rpc(BORIS, 'request_certificate', { p_event_id: ATHENS })) as { user_id: string };
      expect(mine.user_id).toBe(BORIS.id);
    });

    it('a signed-in non-admin is refused by every admin function, and nothing changes', async () => {
      expect(ADMIN_FUNCTIONS.every((fn) => allFunctions.includes(fn))).toBe(true);
      const before = await fingerprint(h);
      const args = examples();
      for (const fn of ADMIN_FUNCTIONS) {
        await expect(rpc(ADA, fn, args.get(fn)), fn).rejects.toBeInstanceOf(NotAllowedError);
      }
      expect(await fingerprint(h)).toEqual(before);
    });

    it('user_metadata (editable by the user on Supabase) does not make an admin; only app_metadata does', async () => {
      const pretender = transportWithClaims(h, {
        role: 'authenticated',
        sub: ADA.id,
        user_metadata: { role: 'admin' },
        app_metadata: { provider: 'email' },
      });
      expect(await callRpc(pretender, 'is_queue_admin')).toBe(false);
      await expect(callRpc(pretender, 'pause_queue')).rejects.toBeInstanceOf(NotAllowedError);
      await expect(callRpc(pretender, 'get_job', { p_job_id: world.borisPending })).rejects.toBeInstanceOf(NotFoundError);
    });

    // What the SQL trusts, precisely: identity and privilege come from request.jwt.claims (sub,
    // role, app_metadata.role), set by PostgREST from a JWT whose signature it verified; function
    // EXECUTE grants are checked against the database role PostgREST switched to. A client cannot
    // set either through the API. Anyone who can run raw SQL as `authenticated` (not possible
    // through Supabase's API) could set_config the claims and would be trusted: these pin that.
    it('trusts the role claim for privilege, and the database role for EXECUTE grants', async () => {
      const claims = { role: 'service_role' } as JwtClaims;
      const [asAuthenticated] = await queryAsRole<{ admin: boolean }>(
        h,
        'authenticated',
        claims,
        'select public.is_queue_admin() as admin',
      );
      expect(asAuthenticated?.admin).toBe(true);
      // The anon database role keeps its grants whatever its claims say: no queue function runs.
      const asAnon = queryAsRole(h, 'anon', claims, `select public.list_jobs() as r`).catch((error: unknown) =>
        Promise.reject(toQueueError(error)),
      );
      await expect(asAnon).rejects.toBeInstanceOf(NotAllowedError);
      // And the transports never let a caller's claims choose a role the caller did not ask for.
      const user = transportWithClaims(h, { role: 'authenticated', sub: ADA.id, app_metadata: { role: 'admin' } });
      expect(await callRpc(user, 'is_queue_admin')).toBe(true);
    });
  });
}
