import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgHarness, createPGliteHarness, newUser, service, type QueueHarness } from './support/harness';

let pgh: QueueHarness; let lite: QueueHarness;
beforeAll(async () => { pgh = await createPgHarness(); const t = Date.now(); lite = await createPGliteHarness(); console.log('pglite ms', Date.now() - t); });
afterAll(async () => { await pgh?.close(); await lite?.close(); });
it('smoke', async () => {
  for (const h of [pgh, lite]) {
    const u = newUser();
    const job = await h.client(u).enqueue({ jobType: 'demo', payload: { a: 1 } });
    console.log(h.name, job);
    const claimed = await h.client(service).claim({ workerId: 'w1', limit: 5 });
    expect(claimed).toHaveLength(1);
    console.log(await h.client(service).stats(), await h.client(u).health());
    console.log(await h.sqlAs(u, 'select count(*) from job_queue'));
  }
});
