// Loaded by every `tessera-worker` of `pnpm soak` (--processors). Each handler run appends one
// line `<job id> <attempt>` to this process's own file in $TESSERA_SOAK_RUNS_DIR, written
// synchronously, so the soak counts executions independently of what the database recorded.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TESSERA_SOAK_RUNS_DIR;
if (!dir) throw new Error('soakProcessors: TESSERA_SOAK_RUNS_DIR is not set');
const fd = openSync(join(dir, `${process.pid}.runs`), 'a');
process.once('exit', () => closeSync(fd));

const record = (job: { id: string; attempts: number }) => writeSync(fd, `${job.id} ${job.attempts}\n`);

export const processors = {
  'soak.ok': (job: { id: string; attempts: number }) => {
    record(job);
    return null;
  },
  /** Always throws: its jobs must end failed after max_attempts runs. */
  'soak.fail': (job: { id: string; attempts: number }) => {
    record(job);
    throw new Error('soak: this handler always fails');
  },
};
