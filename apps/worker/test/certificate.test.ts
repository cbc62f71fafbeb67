import { readFileSync } from 'node:fs';
import { PDFDocument } from '@cantoo/pdf-lib';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkerTestDatabase, type WorkerTestDatabase } from './support/database';
import { WorkerProcess } from './support/workerProcess';

const SEED = readFileSync(new URL('../../../supabase/seed.sql', import.meta.url), 'utf8');
const BORIS = '00000000-0000-4000-8000-00000000b0b1';
const MOSCOW_EVENT = '10000000-0000-4000-8000-000000000003';

let db: WorkerTestDatabase;
beforeAll(async () => {
  db = await createWorkerTestDatabase();
  await db.sql('truncate public.job_queue cascade');
  await db.sql(SEED);
});
afterAll(async () => {
  await db?.close();
});

it('finishes a certificate a closed tab left: renders it in Node and stores the PDF as the lease holder', async () => {
  // The attendee asks (as in the browser), then no tab of theirs is open: a Node worker takes it.
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('begin');
  await client.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: BORIS, role: 'authenticated' }),
  ]);
  const [job] = (await client.query<{ id: string }>('select id from public.request_certificate($1)', [MOSCOW_EVENT]))
    .rows;
  await client.query('commit');
  await client.end();
  const worker = new WorkerProcess(['--database-url', db.url, '--log-level', 'warn', '--once']);
  expect((await worker.exit).code).toBe(0);
  const [certificate] = await db.sql<{ status: string; pdf: Buffer; attendee_name: string }>(
    `select j.status, c.pdf, c.attendee_name from public.job_queue j join public.certificates c on c.job_id = j.id
      where j.id = $1`,
    [job!.id],
  );
  expect(certificate?.status).toBe('completed');
  const pdf = await PDFDocument.load(certificate!.pdf);
  expect(pdf.getPageCount()).toBe(1);
  expect(`${pdf.getTitle()} ${pdf.getSubject()}`).toContain('Борис Пастернак');
});
