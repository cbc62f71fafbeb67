import type { CheckStatus } from './check';
import type { DoctorReport } from './runDoctor';

const LABELS: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };
/** Problems listed per check before "… and N more". */
const MAX_PROBLEMS = 12;

/** The human report: one line per check, then its problems and its fix. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.title.length));
  const lines = [
    `tessera doctor: ${report.database.url} (PostgreSQL ${report.database.serverVersion}, user ${report.database.user})`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`  ${LABELS[check.status]}  ${check.title.padEnd(width)}  ${check.summary}`);
    const indent = ' '.repeat(width + 10);
    for (const item of check.problems.slice(0, MAX_PROBLEMS)) lines.push(`${indent}- ${item}`);
    if (check.problems.length > MAX_PROBLEMS) lines.push(`${indent}- … and ${check.problems.length - MAX_PROBLEMS} more (--json lists all)`);
    if (check.fix && (check.status === 'warn' || check.status === 'fail')) lines.push(`${indent}fix: ${check.fix}`);
  }
  const { ok, warn, fail, skip } = report.counts;
  lines.push('', `${ok} ok, ${warn} warning${warn === 1 ? '' : 's'}, ${fail} failure${fail === 1 ? '' : 's'}, ${skip} skipped`);
  return lines.join('\n');
}
