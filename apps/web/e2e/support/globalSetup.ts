import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { build } from 'vite';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    workerLeaseSeconds: number;
  }
}

/**
 * The browser worker's lease in the e2e build (VITE_TESSERA_WORKER_LEASE_SECONDS; the app's own
 * default is 60 s): a tab closed mid-job hands its job to the next tab within seconds.
 */
export const E2E_WORKER_LEASE_SECONDS = 12;

const appRoot = fileURLToPath(new URL('../..', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function viteBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
}

/** Builds the app as a user would deploy it (embedded mode: no Supabase env) and serves dist/. */
export default async function setup(project: TestProject) {
  // Vite reads VITE_* from process.env too; set only for this build, then put back. NODE_ENV too:
  // Vitest sets it to 'test', which Vite keeps, and React would then ship its development build.
  const lease = process.env.VITE_TESSERA_WORKER_LEASE_SECONDS;
  const nodeEnv = process.env.NODE_ENV;
  process.env.VITE_TESSERA_WORKER_LEASE_SECONDS = String(E2E_WORKER_LEASE_SECONDS);
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: appRoot, logLevel: 'error', mode: 'production', envDir: '/nonexistent-env-dir' });
  } finally {
    if (lease === undefined) delete process.env.VITE_TESSERA_WORKER_LEASE_SECONDS;
    else process.env.VITE_TESSERA_WORKER_LEASE_SECONDS = lease;
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const port = await freePort();
  const preview: ChildProcess = spawn(
    process.execPath,
    [viteBin(), 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: appRoot, stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  console.log(`[e2e] built app served at ${url} (embedded mode)`);
  project.provide('appUrl', url);
  project.provide('workerLeaseSeconds', E2E_WORKER_LEASE_SECONDS);
  return () => {
    preview.kill('SIGTERM');
  };
}
