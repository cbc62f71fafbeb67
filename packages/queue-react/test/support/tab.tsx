import { notifyManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import type { PushSource } from '../../src/PushSource';
import { TesseraProvider } from '../../src/TesseraProvider';
import { userClient, type TestDatabase } from './database';
import { nextTurn } from './flush';

export interface TabOptions {
  push?: PushSource | false;
  strict?: boolean;
}

/**
 * Renders `ui` as one browser tab of `userId`: its own QueryClient, its own counted transport to
 * the shared database, a TesseraProvider. Several tabs can be rendered side by side.
 */
export function renderTab(db: TestDatabase, userId: string, ui: ReactNode, options: TabOptions = {}) {
  const { client, transport } = userClient(db, userId);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const tree = (children: ReactNode) => (
    <QueryClientProvider client={queryClient}>
      <TesseraProvider client={client} userId={userId} push={options.push}>
        {children}
      </TesseraProvider>
    </QueryClientProvider>
  );
  const rendered = render(tree(ui), { reactStrictMode: options.strict ?? false });
  return { ...rendered, client, transport, queryClient, rerenderWith: (next: ReactNode) => rendered.rerender(tree(next)) };
}

// TanStack Query hands its batched notifications to the next macrotask with setTimeout(0). Under
// a fake clock that timer would only run when the test moves time; give it the real next turn,
// which is what setTimeout(0) is in a browser.
notifyManager.setScheduler((callback) => setImmediate(callback));

/**
 * Waits until `check` passes, in real event-loop turns wrapped in act() so React renders what
 * arrived, without moving the (possibly fake) clock. Works with fake timers, unlike waitFor.
 */
export async function actUntil(check: () => boolean | Promise<boolean>, realMs = 10_000): Promise<void> {
  const deadline = performance.now() + realMs;
  for (;;) {
    await act(async () => {
      for (let turn = 0; turn < 5; turn += 1) await nextTurn();
    });
    if (await check()) return;
    if (performance.now() > deadline) {
      throw new Error(`condition not met within ${realMs} ms: ${check.toString()}\n${document.body.textContent}`);
    }
  }
}
