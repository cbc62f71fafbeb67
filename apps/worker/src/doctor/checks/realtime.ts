import { type DoctorCheck, listSome, migrationPath, ok, problem, skip } from '../check';

/**
 * The Realtime "Broadcast from the database" push (0010): its triggers and the policy on
 * realtime.messages. Plain Postgres has no Realtime: browser workers then poll.
 */
export const realtimeCheck: DoctorCheck = {
  id: 'realtime',
  title: 'Realtime broadcast',
  async run({ db, expected }) {
    const files = new Set(expected.realtimeFiles);
    const triggers = expected.triggers.filter((trigger) => files.has(trigger.file));
    const policies = expected.policies.filter((policy) => files.has(policy.file));
    if (triggers.length === 0) return skip('the migrations install no Realtime broadcast trigger');
    const [realtime] = await db.query<{ present: boolean }>(
      `select exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                       where n.nspname = 'realtime' and p.proname = 'broadcast_changes') as present`,
    );
    if (!realtime?.present) {
      return problem(
        'warn',
        'Realtime is not installed here (realtime.broadcast_changes missing): browser workers poll instead of being pushed',
        'on Supabase Realtime is built in: apply supabase/migrations/0010_realtime_broadcast.sql again; on plain Postgres this is expected',
      );
    }
    const foundTriggers = await db.query<{ key: string; enabled: string }>(
      `select n.nspname || '.' || c.relname || '.' || t.tgname as key, t.tgenabled::text as enabled
         from pg_catalog.pg_trigger t
         join pg_catalog.pg_class c on c.oid = t.tgrelid
         join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where not t.tgisinternal and (n.nspname || '.' || c.relname || '.' || t.tgname) = any($1::text[])`,
      [triggers.map((t) => `${t.schema}.${t.table}.${t.name}`)],
    );
    const foundPolicies = new Set(
      (
        await db.query<{ key: string }>(
          `select schemaname || '.' || tablename || '.' || policyname as key from pg_catalog.pg_policies
            where (schemaname || '.' || tablename || '.' || policyname) = any($1::text[])`,
          [policies.map((p) => `${p.schema}.${p.table}.${p.name}`)],
        )
      ).map((row) => row.key),
    );
    const problems: string[] = [];
    for (const trigger of triggers) {
      const row = foundTriggers.find((r) => r.key === `${trigger.schema}.${trigger.table}.${trigger.name}`);
      if (!row) problems.push(`trigger ${trigger.name} on ${trigger.schema}.${trigger.table} is missing (${trigger.file})`);
      else if (row.enabled === 'D') problems.push(`trigger ${trigger.name} on ${trigger.schema}.${trigger.table} is disabled`);
    }
    for (const policy of policies) {
      if (!foundPolicies.has(`${policy.schema}.${policy.table}.${policy.name}`)) {
        problems.push(`policy ${policy.name} on ${policy.schema}.${policy.table} is missing (${policy.file})`);
      }
    }
    if (problems.length === 0) {
      return ok(`broadcast trigger${triggers.length === 1 ? '' : 's'} ${listSome(triggers.map((t) => t.name))} and channel polic${policies.length === 1 ? 'y' : 'ies'} in place`);
    }
    return problem(
      'fail',
      'Realtime is installed but Tessera\'s broadcast is not complete: browsers are not pushed job changes',
      `apply ${listSome([...new Set([...triggers, ...policies].map((item) => migrationPath(item.file)))])} again (it replaces the trigger and policy)`,
      problems,
    );
  },
};
