import { defineConfig } from 'vitest/config';

// The root config only gathers the Vitest projects; each app keeps its own Vite config.
export default defineConfig({
  test: {
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
    ],
  },
});
