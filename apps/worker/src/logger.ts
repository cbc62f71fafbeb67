import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout (one object per event), as log shippers expect. */
export function createLogger(level: string, workerId: string): Logger {
  return pino({ level, base: { workerId }, timestamp: pino.stdTimeFunctions.isoTime });
}
