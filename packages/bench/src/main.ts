// pnpm bench [-- --jobs 20000 --rounds 2 --history-rows 1000000 --pickup-samples 100 --quick --systems a,b]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureClaimLatency, type ClaimLatency } from './claimHistory';
import { serverInfo } from './database';
import { measureDrain, measurePickup } from './measure';
import { acceptance, claimTable, markdownTable, summarise, type SystemRound } from './report';
import { graphile, graphileBatched } from './systems/graphile';
import { pgboss } from './systems/pgboss';
import { rawLoop } from './systems/raw';
import type { BenchSystem } from './systems/system';
import { tessera } from './systems/tessera';

const ALL: BenchSystem[] = [tessera, graphile, graphileBatched, pgboss, rawLoop];

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      jobs: { type: 'string' },
      rounds: { type: 'string' },
      'history-rows': { type: 'string' },
      'pickup-samples': { type: 'string' },
      systems: { type: 'string' },
      quick: { type: 'boolean', default: false },
    },
  });
  const number = (value: string | undefined, fallback: number, name: string) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number ≥ 0, got ${value}`);
    return parsed;
  };
  const quick = values.quick ?? false;
  const ids = values.systems?.split(',').map((id) => id.trim());
  const systems = ids ? ALL.filter((system) => ids.includes(system.id)) : ALL;
  if (ids && systems.length !== ids.length) throw new Error(`--systems: known systems are ${ALL.map((s) => s.id).join(', ')}`);
  return {
    jobs: number(values.jobs, quick ? 2_000 : 20_000, 'jobs'),
    rounds: number(values.rounds, quick ? 1 : 2, 'rounds'),
    historyRows: number(values['history-rows'], quick ? 100_000 : 1_000_000, 'history-rows'),
    pickupSamples: number(values['pickup-samples'], quick ? 30 : 100, 'pickup-samples'),
    systems,
  };
}

async function main(): Promise<void> {
  const params = options();
  const server = await serverInfo();
  const startedAt = new Date();
  console.log(
    `Tessera bench: ${params.jobs} no-op jobs, concurrency 10 per process, ${params.rounds} round(s), ` +
      `${cpus().length} CPUs, PostgreSQL ${server.version}, Node ${process.version}`,
  );
  const rounds = new Map<string, SystemRound[]>(params.systems.map((system) => [system.id, []]));
  for (let round = 1; round <= params.rounds; round += 1) {
    // Alternate the order so no system always runs first (cold caches) or last.
    const order = round % 2 === 1 ? params.systems : [...params.systems].reverse();
    for (const system of order) {
      const oneProcess = await measureDrain(system, params.jobs, 1);
      const fourProcesses = await measureDrain(system, params.jobs, 4);
      const pickup = params.pickupSamples > 0 ? await measurePickup(system, params.pickupSamples) : undefined;
      rounds.get(system.id)!.push({ round, oneProcess, fourProcesses, pickup });
      console.log(
        `  round ${round} ${system.label}: ${Math.round(oneProcess.jobsPerSecond)} jobs/s (1 proc), ` +
          `${Math.round(fourProcesses.jobsPerSecond)} jobs/s (4 proc), pickup p50 ${pickup?.p50.toFixed(2) ?? '—'} ms`,
      );
    }
  }
  let claims: ClaimLatency | undefined;
  if (params.historyRows > 0 && params.systems.includes(tessera)) {
    claims = await measureClaimLatency(params.historyRows);
  }

  const summaries = params.systems.map((system) => summarise(system.id, system.label, rounds.get(system.id)!));
  const checks = acceptance(summaries, claims);
  console.log(`\n${markdownTable(summaries, params.jobs)}\n`);
  if (claims) console.log(`${claimTable(claims)}\n`);
  for (const check of checks) console.log(`${check.pass ? 'MET   ' : 'MISSED'} ${check.target}: ${check.measured}`);

  const results = {
    startedAt: startedAt.toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
    postgres: server,
    params: { ...params, systems: params.systems.map((system) => system.id) },
    systems: params.systems.map((system) => ({
      id: system.id,
      label: system.label,
      version: system.version,
      settings: system.settings,
    })),
    summaries,
    claims,
    acceptance: checks,
  };
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults: ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
