import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../../src/doctor/check';
import { readMigrations } from '../../src/doctor/migrations/readMigrations';
import { buildExpectedSchema } from '../../src/doctor/migrations/schemaModel';
import type { DoctorReport } from '../../src/doctor/runDoctor';

const BIN = fileURLToPath(new URL('../../bin/tessera.mjs', import.meta.url));

/** Runs the real `tessera` binary; resolves with its exit code and output. */
export function runTessera(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One check of a report, by id (throws when the report has none: a typo should not pass). */
export function checkOf(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
}

export const failedChecks = (report: DoctorReport) => report.checks.filter((c) => c.status === 'fail').map((c) => c.id);

const expected = buildExpectedSchema(readMigrations());

/** The migration that last defines a function (later migrations may redefine it). */
export function definedIn(signature: string): string {
  const fn = expected.functions.find((f) => f.signature === signature);
  if (!fn) throw new Error(`the migrations define no ${signature}`);
  return fn.file;
}

/** The migration whose grant or revoke of EXECUTE to `role` is the last word. */
export function grantedIn(signature: string, role: string): string {
  const grant = expected.grants.find((g) => g.signature === signature && g.role === role);
  if (!grant) throw new Error(`the migrations neither grant nor revoke ${signature} for ${role}`);
  return grant.file;
}
