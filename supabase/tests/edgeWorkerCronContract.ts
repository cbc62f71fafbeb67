import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueueHarness } from '../../packages/queue/test/support/harness';

const MIGRATION = readFileSync(new URL('../migrations/0021_edge_worker_cron.sql', import.meta.url), 'utf8');

/**
 * Stand-ins for pg_cron, pg_net and Supabase Vault: the objects 0021 calls, with the same
 * signatures, recording what they are asked. pg_net cannot be installed here (Debian has no
 * package, and it needs shared_preload_libraries); the request it would send is replayed
 * against the real function in edgeFunction.postgres.test.ts.
 */
export const CRON_STANDIN = `
create schema if not exists cron;
create table if not exists cron.job (jobname text primary key, schedule text not null, command text not null);
-- seconds = false: a pg_cron before 1.5, which knows only 5-field schedules.
create table if not exists cron.standin (seconds boolean not null);
insert into cron.standin select true where not exists (select 1 from cron.standin);
create or replace function cron.schedule(job_name text, schedule text, command text) returns bigint
language plpgsql as $$
begin
  if schedule ~ 'seconds' and not (select seconds from cron.standin) then
    raise exception 'invalid schedule: %', schedule;
  end if;
  insert into cron.job values (job_name, schedule, command)
  on conflict (jobname) do update set schedule = excluded.schedule, command = excluded.command;
  return 1;
end $$;`;

export const NET_STANDIN = `
create schema if not exists net;
create table if not exists net.requests (id bigserial primary key, url text, body jsonb, params jsonb, headers jsonb, timeout_milliseconds integer);
create or replace function net.http_post(
  url text, body jsonb default '{}'::jsonb, params jsonb default '{}'::jsonb,
  headers jsonb default '{"Content-Type": "application/json"}'::jsonb, timeout_milliseconds integer default 5000
) returns bigint
language sql as $$
  insert into net.requests (url, body, params, headers, timeout_milliseconds)
  values (url, body, params, headers, timeout_milliseconds) returning id
$$;`;

export const VAULT_STANDIN = `
create schema if not exists vault;
create table if not exists vault.standin_secrets (name text primary key, decrypted_secret text);
create or replace view vault.decrypted_secrets as select name, decrypted_secret from vault.standin_secrets;`;

export const storeVaultSecrets = (url: string, secret: string) => `
insert into vault.standin_secrets values
  ('tessera_process_jobs_url', '${url}'), ('tessera_process_jobs_secret', '${secret}')
on conflict (name) do update set decrypted_secret = excluded.decrypted_secret;`;

const URL_ = 'https://project-ref.supabase.co/functions/v1/process-jobs';
const SECRET = 'a-shared-secret-of-at-least-16-characters';

/** 0021 on a database without pg_cron/pg_net, and with stand-ins for them, on every backend. */
export function describeEdgeWorkerCronContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`0021 (process-jobs every 10 s) on ${name}`, () => {
    let h: QueueHarness;
    const scheduled = () => h.sql<{ jobname: string; schedule: string; command: string }>('select * from cron.job');
    const applyMigration = () => h.sql(MIGRATION);

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.sql('drop schema if exists cron cascade; drop schema if exists net cascade; drop schema if exists vault cascade');
    });

    it('without pg_cron and pg_net it does nothing, without error, and says what is missing when asked to schedule', async () => {
      await applyMigration();
      expect(await h.sql(`select to_regnamespace('cron') as cron`)).toEqual([{ cron: null }]);
      expect(await h.sql('select tessera.invoke_process_jobs() as request')).toEqual([{ request: null }]);
      await expect(h.sql('select tessera.schedule_process_jobs()')).rejects.toThrow(/pg_cron is not enabled/);
    });

    it('with pg_cron but nothing configured it schedules nothing', async () => {
      await h.sql(CRON_STANDIN + NET_STANDIN + VAULT_STANDIN);
      await applyMigration();
      expect(await scheduled()).toEqual([]);
      await expect(h.sql('select tessera.schedule_process_jobs()')).rejects.toThrow(/URL or secret is not configured/);
    });

    it('with pg_cron but no pg_net it schedules nothing', async () => {
      await h.sql(CRON_STANDIN + VAULT_STANDIN + storeVaultSecrets(URL_, SECRET));
      await applyMigration();
      expect(await scheduled()).toEqual([]);
    });

    it('with pg_cron, pg_net and the Vault secrets it posts to the function every 10 seconds, idempotently', async () => {
      await h.sql(CRON_STANDIN + NET_STANDIN + VAULT_STANDIN + storeVaultSecrets(URL_, SECRET));
      await applyMigration();
      await applyMigration();
      expect(await scheduled()).toEqual([
        { jobname: 'tessera-process-jobs', schedule: '10 seconds', command: 'select tessera.invoke_process_jobs()' },
      ]);
      // What pg_cron runs every 10 s:
      await h.sql('select tessera.invoke_process_jobs()');
      expect(await h.sql('select url, body, params, headers, timeout_milliseconds from net.requests')).toEqual([
        {
          url: URL_,
          body: {},
          params: {},
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}` },
          timeout_milliseconds: 60_000,
        },
      ]);
    });

    it('with a pg_cron that knows no seconds it runs every minute instead', async () => {
      await h.sql(CRON_STANDIN + NET_STANDIN + VAULT_STANDIN + storeVaultSecrets(URL_, SECRET));
      await h.sql('update cron.standin set seconds = false');
      expect(await h.sql('select tessera.schedule_process_jobs() as schedule')).toEqual([{ schedule: '* * * * *' }]);
      expect((await scheduled()).map((job) => job.schedule)).toEqual(['* * * * *']);
    });

    it('without Vault it reads the database settings tessera.process_jobs_url and _secret', async () => {
      await h.sql(NET_STANDIN);
      const [row] = await h.sql<{ request: number | string | null }>(
        `select tessera.invoke_process_jobs() as request
           from (select set_config('tessera.process_jobs_url', $1, true), set_config('tessera.process_jobs_secret', $2, true)) s`,
        [URL_, SECRET],
      );
      expect(row?.request).not.toBeNull();
      expect(await h.sql(`select url, headers ->> 'Authorization' as authorization from net.requests`)).toEqual([
        { url: URL_, authorization: `Bearer ${SECRET}` },
      ]);
    });
  });
}
