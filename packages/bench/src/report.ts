import type { ClaimLatency } from './claimHistory';
import type { DrainResult, PickupResult } from './measure';

export interface SystemRound {
  round: number;
  oneProcess: DrainResult;
  fourProcesses: DrainResult;
  pickup: PickupResult | undefined;
}

export interface SystemSummary {
  id: string;
  label: string;
  rounds: SystemRound[];
  /** Means over the rounds. */
  oneProcess: number;
  fourProcesses: number;
  pickupP50: number | undefined;
  pickupP95: number | undefined;
  pickupP99: number | undefined;
  enqueueMs: number;
}

export interface Check {
  target: string;
  measured: string;
  pass: boolean;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const maybeMean = (values: Array<number | undefined>) =>
  values.every((value) => value !== undefined) && values.length > 0 ? mean(values as number[]) : undefined;

export function summarise(id: string, label: string, rounds: SystemRound[]): SystemSummary {
  return {
    id,
    label,
    rounds,
    oneProcess: mean(rounds.map((round) => round.oneProcess.jobsPerSecond)),
    fourProcesses: mean(rounds.map((round) => round.fourProcesses.jobsPerSecond)),
    pickupP50: maybeMean(rounds.map((round) => round.pickup?.p50)),
    pickupP95: maybeMean(rounds.map((round) => round.pickup?.p95)),
    pickupP99: maybeMean(rounds.map((round) => round.pickup?.p99)),
    enqueueMs: mean(rounds.map((round) => round.oneProcess.enqueueMs)),
  };
}

const int = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** The results as a Markdown table (printed, and pasted into docs/scaling.md). */
export function markdownTable(summaries: SystemSummary[], jobs: number): string {
  const tessera = summaries.find((summary) => summary.id === 'tessera');
  const lines = [
    `| system | 1 process, jobs/s | 4 processes, jobs/s | Tessera ÷ system (1 / 4 proc.) | pickup p50 / p95 / p99 ms | enqueue ${int(jobs)} ms |`,
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const summary of summaries) {
    const ratios =
      tessera && summary !== tessera
        ? `${ratio(tessera.oneProcess, summary.oneProcess)} / ${ratio(tessera.fourProcesses, summary.fourProcesses)}`
        : '—';
    lines.push(
      `| ${summary.label} | ${int(summary.oneProcess)} | ${int(summary.fourProcesses)} | ${ratios} | ` +
        `${ms(summary.pickupP50)} / ${ms(summary.pickupP95)} / ${ms(summary.pickupP99)} | ${int(summary.enqueueMs)} |`,
    );
  }
  return lines.join('\n');
}

export function claimTable(claims: ClaimLatency): string {
  return [
    '| Tessera claim (limit 10), p50 ms | value |',
    '|---|---:|',
    `| empty table (ANALYZEd) | ${claims.emptyP50.toFixed(2)} |`,
    `| ${int(claims.historyRows)} rows of history, no statistics | ${claims.historyP50NoAnalyze.toFixed(2)} |`,
    `| ${int(claims.historyRows)} rows of history, ANALYZEd | ${claims.historyP50.toFixed(2)} |`,
  ].join('\n');
}

/** The acceptance targets, each stated plainly as met or missed. */
export function acceptance(summaries: SystemSummary[], claims: ClaimLatency | undefined): Check[] {
  const get = (id: string) => summaries.find((summary) => summary.id === id);
  const tessera = get('tessera');
  if (!tessera) return [];
  const checks: Check[] = [];
  const throughput = (id: string, factor: number, name: string) => {
    const peer = get(id);
    if (!peer) return;
    const value = tessera.oneProcess / peer.oneProcess;
    checks.push({
      target: `1 process: Tessera ≥ ${factor.toFixed(1)}× ${name}`,
      measured: `${value.toFixed(2)}× (${int(tessera.oneProcess)} vs ${int(peer.oneProcess)} jobs/s)`,
      pass: value >= factor,
    });
  };
  throughput('graphile-batched', 1, 'graphile-worker with batching');
  throughput('pg-boss', 1, 'pg-boss');
  throughput('raw', 0.6, 'the raw skip-locked loop');
  const graphileP50s = ['graphile', 'graphile-batched']
    .map((id) => get(id)?.pickupP50)
    .filter((value): value is number => value !== undefined);
  if (tessera.pickupP50 !== undefined && graphileP50s.length > 0) {
    const best = Math.min(...graphileP50s);
    checks.push({
      target: "pickup p50 ≤ graphile-worker's (its better mode)",
      measured: `${tessera.pickupP50.toFixed(2)} ms vs ${best.toFixed(2)} ms`,
      pass: tessera.pickupP50 <= best,
    });
  }
  if (claims) {
    const worst = Math.max(claims.historyP50, claims.historyP50NoAnalyze);
    checks.push({
      target: `claim p50 with ${int(claims.historyRows)} rows of history ≤ 1.2× empty table`,
      measured: `${(worst / claims.emptyP50).toFixed(2)}× (${worst.toFixed(2)} vs ${claims.emptyP50.toFixed(2)} ms; worst of with/without ANALYZE)`,
      pass: worst <= 1.2 * claims.emptyP50,
    });
  }
  return checks;
}
