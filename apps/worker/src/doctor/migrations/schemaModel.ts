import {
  cronJobsScheduled,
  cronJobsUnscheduled,
  type FunctionDefinition,
  type FunctionRef,
  normalizeType,
  parseCreateFunction,
  parseCreatePolicy,
  parseCreateTable,
  parseCreateTrigger,
  parseDropFunction,
  parseDropTable,
  parseFunctionPrivileges,
} from '../sql/parseStatement';
import { maskLiterals, splitStatements, stringLiterals } from '../sql/splitStatements';
import type { MigrationFile } from './readMigrations';

/**
 * Where a thing was defined. `guarded`: inside a `do` block that runs it only when a feature is
 * present (Realtime, pg_cron, Storage), so a database may rightly lack it.
 */
interface Origin {
  file: string;
  guarded: boolean;
}

export interface ExpectedFunction extends FunctionDefinition, Origin {
  /** `public.enqueue_job(text, jsonb, integer, timestamptz, integer, text)`, types as written. */
  signature: string;
}

export interface ExpectedGrant extends Origin {
  signature: string;
  role: string;
  /** true: the migrations grant EXECUTE to the role; false: they revoke it (and never grant it back). */
  granted: boolean;
}

export interface ExpectedRelationObject extends Origin {
  name: string;
  schema: string;
  table: string;
}

/** What a database built from the migrations folder holds, replayed statement by statement. */
export interface ExpectedSchema {
  migrations: MigrationFile[];
  /** Functions in `public`: the contract every client calls. */
  functions: ExpectedFunction[];
  grants: ExpectedGrant[];
  /** Tables in `public`. */
  tables: Array<{ name: string } & Origin>;
  triggers: ExpectedRelationObject[];
  policies: ExpectedRelationObject[];
  /**
   * pg_cron job names the migrations schedule. `optional`: scheduled only by a function they
   * define (e.g. tessera.schedule_process_jobs() once the Edge Function is configured).
   */
  cronJobs: Array<{ name: string; optional: boolean } & Origin>;
  /** Files that call `realtime.broadcast_changes` (their triggers are the Realtime push). */
  realtimeFiles: string[];
}

const functionKey = (ref: { schema: string; name: string; argTypes: string[] }) =>
  `${ref.schema}.${ref.name}(${ref.argTypes.map(normalizeType).join(',')})`;

export function buildExpectedSchema(migrations: readonly MigrationFile[]): ExpectedSchema {
  const functions = new Map<string, ExpectedFunction>();
  const grants = new Map<string, ExpectedGrant>();
  const tables = new Map<string, { name: string } & Origin>();
  const triggers = new Map<string, ExpectedRelationObject>();
  const policies = new Map<string, ExpectedRelationObject>();
  const cronJobs = new Map<string, { name: string; optional: boolean } & Origin>();

  const matching = (ref: FunctionRef) =>
    [...functions.entries()].filter(
      ([key, fn]) =>
        fn.schema === ref.schema && fn.name === ref.name && (ref.argTypes === null || key === functionKey({ ...ref, argTypes: ref.argTypes })),
    );

  const apply = (statement: string, origin: Origin) => {
    const created = parseCreateFunction(statement);
    if (created) {
      for (const name of cronJobsScheduled(statement)) {
        if (!cronJobs.has(name)) cronJobs.set(name, { name, optional: true, ...origin });
      }
      if (created.schema !== 'public') return;
      const key = functionKey(created);
      const before = functions.get(key);
      const signature = `public.${created.name}(${created.argTypes.join(', ')})`;
      functions.set(key, { ...created, signature, file: origin.file, guarded: origin.guarded && (before?.guarded ?? true) });
      return;
    }
    const dropped = parseDropFunction(statement);
    if (dropped) {
      for (const ref of dropped) {
        for (const [key, fn] of matching(ref)) {
          // A guarded drop may or may not have run: the function becomes optional, not gone.
          if (origin.guarded) fn.guarded = true;
          else {
            functions.delete(key);
            for (const grantKey of grants.keys()) if (grantKey.startsWith(`${key}|`)) grants.delete(grantKey);
          }
        }
      }
      return;
    }
    const privileges = parseFunctionPrivileges(statement);
    if (privileges) {
      for (const ref of privileges.functions) {
        for (const [key, fn] of matching(ref)) {
          for (const role of privileges.roles) {
            if (role === 'public') continue; // PUBLIC is not a role one can check; the roles below are.
            grants.set(`${key}|${role}`, { signature: fn.signature, role, granted: privileges.kind === 'grant', ...origin });
          }
        }
      }
      return;
    }
    const table = parseCreateTable(statement);
    if (table) {
      if (table.schema === 'public') tables.set(table.name, { name: table.name, ...origin });
      return;
    }
    const droppedTables = parseDropTable(statement);
    if (droppedTables) {
      for (const dropped of droppedTables) if (dropped.schema === 'public' && !origin.guarded) tables.delete(dropped.name);
      return;
    }
    const trigger = parseCreateTrigger(statement);
    if (trigger) {
      triggers.set(`${trigger.schema}.${trigger.table}.${trigger.name}`, { ...trigger, ...origin });
      return;
    }
    const policy = parseCreatePolicy(statement);
    if (policy) {
      policies.set(`${policy.schema}.${policy.table}.${policy.name}`, { ...policy, ...origin });
      return;
    }
    for (const name of cronJobsScheduled(statement)) cronJobs.set(name, { name, optional: false, ...origin });
    for (const name of cronJobsUnscheduled(statement)) cronJobs.delete(name);
  };

  for (const migration of migrations) {
    for (const statement of splitStatements(migration.sql)) {
      if (/^do\b/i.test(statement)) {
        for (const inner of guardedStatements(statement)) apply(inner, { file: migration.file, guarded: true });
      } else {
        apply(statement, { file: migration.file, guarded: false });
      }
    }
  }

  return {
    migrations: [...migrations],
    functions: [...functions.values()],
    grants: [...grants.values()],
    tables: [...tables.values()],
    triggers: [...triggers.values()],
    policies: [...policies.values()],
    cronJobs: [...cronJobs.values()],
    realtimeFiles: migrations.filter((m) => /realtime\.broadcast_changes\s*\(/i.test(m.sql)).map((m) => m.file),
  };
}

const STATEMENT_START = /\b(create|drop|grant|revoke|alter|execute|perform)\b/i;

/**
 * The SQL a `do` block may run: its PL/pgSQL statements (from their first SQL keyword, past
 * `if … then` / `begin`), and the text of `execute '…'` / `execute $sql$…$sql$`.
 */
function guardedStatements(doStatement: string): string[] {
  const body = stringLiterals(doStatement.replace(/^do\s+(language\s+\w+\s+)?/i, ''))[0] ?? '';
  return splitStatements(body).flatMap((fragment) => {
    const start = STATEMENT_START.exec(maskLiterals(fragment));
    if (!start) return [];
    const statement = fragment.slice(start.index);
    if (start[1]!.toLowerCase() === 'execute') return stringLiterals(statement).flatMap((sql) => splitStatements(sql));
    return [statement];
  });
}
