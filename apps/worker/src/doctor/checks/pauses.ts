import { type DoctorCheck, listSome, ok, problem, skip } from '../check';

/** Paused job types (pause_queue): their jobs wait however many workers run. */
export const pausesCheck: DoctorCheck = {
  id: 'pauses',
  title: 'Paused queues',
  async run({ db }) {
    const [table] = await db.query<{ present: boolean }>("select to_regclass('public.queue_pauses') is not null as present");
    if (!table?.present) return skip('public.queue_pauses is missing');
    const paused = (await db.query<{ job_type: string }>('select job_type from public.queue_pauses order by job_type')).map(
      (row) => row.job_type,
    );
    if (paused.length === 0) return ok('no job type is paused');
    const all = paused.includes('*');
    return problem(
      'warn',
      all ? 'the whole queue is paused: no job is claimed' : `paused: ${listSome(paused)}: their jobs are not claimed`,
      all ? 'resume it in /admin or: select public.resume_queue(null);' : `resume in /admin or: select public.resume_queue('${paused[0]}');`,
      paused.map((type) => (type === '*' ? 'every job type is paused' : `${type} is paused`)),
    );
  },
};
