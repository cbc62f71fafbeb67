import { readFileSync } from 'node:fs';
import type pg from 'pg';

/**
 * Milliseconds on the system's monotonic clock (CLOCK_MONOTONIC), the same in every process on
 * this machine; unlike timeOrigin + performance.now(), it does not drift with NTP adjustments.
 */
export const wallNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/** How a benchmarked system is installed, fed and watched from the bench process. */
export interface BenchSystem {
  id: string;
  label: string;
  version: string;
  /** What was configured, for the results file. */
  settings: Record<string, unknown>;
  /** Creates the system's schema in an empty database. */
  install(url: string): Promise<void>;
  /** Bulk-enqueues `count` no-op jobs with the system's own bulk API. */
  enqueueBulk(url: string, count: number): Promise<void>;
  /** Jobs not yet recorded as done (0 = drained). */
  remaining(client: pg.Client): Promise<number>;
  /** For pickup latency: a sender of single jobs carrying `sentAt` in their payload. */
  openSender?(url: string): Promise<{ send(sentAt: number): Promise<void>; close(): Promise<void> }>;
  /** Runs before workers start / when they may start (Tessera pauses and resumes its queue). */
  beforeSpawn?(url: string): Promise<void>;
  go?(url: string): Promise<void>;
  /** How to start one worker process: node arguments (an IPC channel is added). */
  workerCommand(url: string): { args: string[]; env?: Record<string, string> };
}

/** The installed version of a peer (read from its package.json: its exports do not expose it). */
export function installedVersion(name: string): string {
  const file = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
