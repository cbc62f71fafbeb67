import { Cron } from 'croner';
import { ValidationError } from '../errors';

/**
 * Cron expressions as the schedules store them: 5 fields (minute hour day-of-month month
 * day-of-week), 6 (seconds first), or a nickname (@hourly, @daily, @weekly, @monthly, @yearly,
 * @annually). croner evaluates them; Postgres only checks their shape (0020).
 */
const NICKNAME = /^@(yearly|annually|monthly|weekly|daily|hourly)$/;

/** One space between fields: the form the database stores and compares. */
export function normalizeCron(expression: string): string {
  return expression.trim().split(/\s+/).join(' ');
}

/** A time zone the runtime's Intl knows (IANA names such as UTC or Europe/Berlin). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

function parse(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, paused: true });
}

/**
 * Why an expression cannot be a schedule (wrong field count, a value out of range, an unknown
 * time zone, never fires), or null when it can.
 */
export function cronProblem(expression: string, timeZone: string): string | null {
  const cron = normalizeCron(expression);
  const fields = cron.split(' ').length;
  if (!NICKNAME.test(cron) && (fields < 5 || fields > 6)) {
    return `cron expression must have 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields}`;
  }
  if (!isKnownTimeZone(timeZone)) return `unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Europe/Berlin)`;
  let parsed: Cron;
  try {
    parsed = parse(cron, timeZone);
  } catch (error) {
    return `invalid cron expression: ${error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error)}`;
  }
  if (parsed.nextRun() === null) return 'cron expression never fires (e.g. 30 February)';
  return null;
}

/** Throws a ValidationError unless `cronProblem` finds nothing. */
export function assertValidCron(expression: string, timeZone: string): void {
  const problem = cronProblem(expression, timeZone);
  if (problem) throw new ValidationError(problem);
}

/** The first slot strictly after `after`, or null when the expression never fires again. */
export function nextSlot(expression: string, timeZone: string, after: Date): Date | null {
  return parse(normalizeCron(expression), timeZone).nextRun(after);
}
