import type { PGlite } from '@electric-sql/pglite';
import { createClient } from '@supabase/supabase-js';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { SupabaseStorageLike } from '@tessera/certificates';
import { callRpc } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { DownloadPage } from '../src/pages/DownloadPage';
import { PublicTransportContext } from '../src/session/Session';
import { ADA_ID, createMigratedPGlite } from './adminSupport';

// A path, not a URL object: under jsdom, URL is jsdom's and node:fs does not take it.
const SEED = readFileSync(fileURLToPath(import.meta.url).replace(/apps\/web\/test\/[^/]+$/, 'supabase/seed.sql'), 'utf8');
const SUMMIT = '10000000-0000-4000-8000-000000000001';
const PDF = new TextEncoder().encode('%PDF-1.7\n% the download page test\n%%EOF\n');

// supabase-js's Storage client is what the supabase-storage store takes (checked by tsc here,
// where supabase-js is a dependency).
const storageFits: SupabaseStorageLike = createClient('http://127.0.0.1:1', 'anon-key').storage;

let db: PGlite;
let serial: string;
let certificateId: string;

beforeAll(async () => {
  expect(typeof storageFits.from).toBe('function');
  db = await createMigratedPGlite();
  await db.exec(SEED);
  const ada = new PGliteTransport(db, { claims: { sub: ADA_ID, role: 'authenticated' } });
  const job = (await callRpc(ada, 'request_certificate', { p_event_id: SUMMIT })) as {
    id: string;
    payload: { serial: string; certificate_id: string };
  };
  await callRpc(ada, 'claim_jobs', { p_worker_id: 'ada-tab', p_limit: 1 });
  let binary = '';
  for (const byte of PDF) binary += String.fromCharCode(byte);
  await callRpc(ada, 'save_certificate', { p_job_id: job.id, p_worker_id: 'ada-tab', p_pdf_base64: btoa(binary) });
  serial = job.payload.serial;
  certificateId = job.payload.certificate_id;
}, 120_000);
afterAll(async () => {
  await db?.close();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

async function newToken(seconds = 900): Promise<string> {
  const [row] = (await callRpc(new PGliteTransport(db), 'create_certificate_download', {
    p_certificate_id: certificateId,
    p_expires_in_seconds: seconds,
  })) as Array<{ token: string }>;
  return row!.token;
}

/** jsdom has no object URLs and does not download: record what the page hands the browser. */
function captureDownloads() {
  const blobs: Blob[] = [];
  const clicks: Array<{ href: string; download: string }> = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return `blob:test/${blobs.length}`;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicks.push({ href: this.href, download: this.download });
  });
  return { blobs, clicks };
}

function renderDownloadPage(token: string) {
  const anon = new PGliteTransport(db, { claims: { role: 'anon' } });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MemoryRouter initialEntries={[`/download/${token}`]}>
      <QueryClientProvider client={queryClient}>
        <PublicTransportContext.Provider value={anon}>
          <Routes>
            <Route path="/download/:token" element={<DownloadPage />} />
          </Routes>
        </PublicTransportContext.Provider>
      </QueryClientProvider>
    </MemoryRouter>,
  );
}

it('redeems the link without signing in and saves the PDF once, with a button to save it again', async () => {
  const { blobs, clicks } = captureDownloads();
  renderDownloadPage(await newToken());
  expect(await screen.findByText(`${serial}.pdf`)).toBeTruthy();
  expect(clicks).toEqual([{ href: 'blob:test/1', download: `${serial}.pdf` }]);
  expect(blobs[0]!.type).toBe('application/pdf');
  const bytes = new Uint8Array(await blobs[0]!.arrayBuffer());
  expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
  expect(Array.from(bytes)).toEqual(Array.from(PDF));
  expect(screen.getByText(/This link works until/)).toBeTruthy();
  // Saved again on demand, without asking the database again.
  fireEvent.click(screen.getByRole('button', { name: `Save ${serial}.pdf` }));
  expect(clicks).toEqual([
    { href: 'blob:test/1', download: `${serial}.pdf` },
    { href: 'blob:test/2', download: `${serial}.pdf` },
  ]);
  const [row] = (await db.query<{ redeemed_count: number }>('select max(redeemed_count) as redeemed_count from tessera.certificate_downloads')).rows;
  expect(row?.redeemed_count).toBe(1);
});

it('says clearly when the link has expired, and where to get the certificate instead', async () => {
  const { clicks } = captureDownloads();
  const token = await newToken(60);
  await db.query(
    `update tessera.certificate_downloads set created_at = now() - interval '2 minutes', expires_at = now() - interval '1 second'
      where token_hash = sha256(decode($1, 'hex'))`,
    [token],
  );
  renderDownloadPage(token);
  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toMatch(/This download link does not work: download link expired at/);
  expect(screen.getByRole('link', { name: 'My certificates' }).getAttribute('href')).toBe('/certificates');
  expect(clicks).toEqual([]);
});

it('refuses an unknown or malformed link', async () => {
  captureDownloads();
  const { unmount } = renderDownloadPage('0'.repeat(64));
  expect((await screen.findByRole('alert')).textContent).toMatch(/download link not found/);
  unmount();
  renderDownloadPage('not-a-token');
  expect((await screen.findByRole('alert')).textContent).toMatch(/malformed download link/);
});
