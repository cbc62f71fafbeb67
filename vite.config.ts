import { defineConfig } from 'vitest/config';

// The root config only gathers the Vitest projects; each app keeps its own Vite config.
// Projects that need Postgres share the queue package's global setup (find or start Postgres,
// build a migrated template database once per run).
const postgresSetup = ['../../packages/queue/test/support/globalSetup.ts'];

export default defineConfig({
  test: {
    // Many files wait on real time (pg_cron's minute tick, leases, worker processes, Chromium), so
    // run more files at once than the two cores of the CI machine would suggest.
    maxWorkers: 4,
    projects: [
      {
        test: {
          name: 'queue',
          root: './packages/queue',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'cache',
          root: './packages/cache',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'notify',
          root: './packages/notify',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: postgresSetup,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'worker',
          root: './apps/worker',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          globalSetup: postgresSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The app's SQL (certificates, verification) on Postgres and PGlite.
          name: 'sql',
          root: './supabase',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['../packages/queue/test/support/globalSetup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'certificates',
          root: './packages/certificates',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'queue-react',
          root: './packages/queue-react',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'web',
          root: './apps/web',
          include: ['test/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          globalSetup: postgresSetup,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Real Chromium against the built app (embedded mode).
          name: 'e2e',
          root: './apps/web',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['./e2e/support/globalSetup.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
