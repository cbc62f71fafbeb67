import { createCertificateProcessor, createCertificateStore, verifyPageUrl } from '@tessera/certificates';
import { nodeFonts } from '@tessera/certificates/node';
import type { Processor, Processors, Transport } from '@tessera/queue';
import type { SupabaseStorageLike } from '@tessera/certificates';
import type { EdgeConfig } from './config.ts';
import { edgeFonts } from './fonts.ts';

/**
 * The job types this function runs: `certificate` (the same processor as the browser and the
 * Node worker: pdf-lib renders under Deno), plus those of PROCESS_JOBS_PROCESSORS. Server-only
 * types that need Node (SMTP email) stay with the Node worker: list the types to take in
 * PROCESS_JOBS_TYPES when both run.
 */
export async function edgeProcessors(config: EdgeConfig, transport: Transport, storage: SupabaseStorageLike): Promise<Processors> {
  const store =
    config.certificateStore === 'supabase-storage'
      ? createCertificateStore({ kind: 'supabase-storage', transport, storage, publicAppUrl: config.publicAppUrl })
      : createCertificateStore({ kind: 'database', transport, publicAppUrl: config.publicAppUrl });
  const certificate = createCertificateProcessor({
    verifyUrlFor: (serial) => verifyPageUrl(config.publicAppUrl, serial),
    saveCertificate: async (jobId, workerId, pdf) => {
      await store.save(jobId, workerId, pdf);
    },
    // DejaVu Sans, loaded only for names outside WinAnsi.
    fonts: edgeFonts(nodeFonts(), config.fontsUrl),
  }) as Processor;
  const extra = config.processorsModule ? await loadProcessors(config.processorsModule) : {};
  return { certificate, ...extra };
}

/** `processors` (or the default export) of a module: an object of job type → function. */
async function loadProcessors(specifier: string): Promise<Processors> {
  const url = /^[a-z]+:/i.test(specifier) ? specifier : new URL(specifier, `file://${Deno.cwd()}/`).href;
  const loaded = (await import(url)) as Record<string, unknown>;
  const processors = (loaded.processors ?? loaded.default) as Record<string, unknown> | undefined;
  if (!processors || typeof processors !== 'object') {
    throw new Error(`PROCESS_JOBS_PROCESSORS ${specifier} must export \`processors\` (or a default export): { jobType: fn }`);
  }
  for (const [jobType, processor] of Object.entries(processors)) {
    if (typeof processor !== 'function') throw new Error(`PROCESS_JOBS_PROCESSORS ${specifier}: ${jobType} is not a function`);
  }
  return processors as Processors;
}
