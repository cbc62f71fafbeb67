import { useQueryClient } from '@tanstack/react-query';
import { JOB_CHANGES_CHANNEL, type QueueClient } from '@tessera/queue';
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { followJobChanges } from './jobCache';
import { sharedPushSource, transportPushSource, type PushSource } from './PushSource';
import { TabChannel } from './TabChannel';
import { TabWorkers } from './TabWorkers';

/** What the hooks share within one tab for one signed-in user. */
export interface TesseraContextValue {
  client: QueueClient;
  userId: string;
  /** One subscription shared by the worker and the query cache; null: no push, the worker polls. */
  push: PushSource | null;
  /** The tab's one channel to the user's other tabs (a channel does not hear itself). */
  channel: TabChannel;
  workers: TabWorkers;
}

const TesseraContext = createContext<TesseraContextValue | null>(null);

export interface TesseraProviderProps {
  /** A QueueClient whose transport acts as `userId` (user JWT, or PGlite claims). */
  client: QueueClient;
  userId: string;
  /**
   * Where job changes are pushed from. Default: the client transport's `subscribe` (Realtime on
   * Supabase; LISTEN on PGlite, which hears this tab's own database). `false`: no push channel, so
   * `useJobWorker` polls every `intervalMs`. Compared by identity: keep it stable.
   */
  push?: PushSource | false;
  children?: ReactNode;
}

/** Provides the queue to the hooks below it; needs a TanStack `QueryClientProvider` above it. */
export function TesseraProvider({ client, userId, push, children }: TesseraProviderProps) {
  const queryClient = useQueryClient();
  // Nothing here opens anything until subscribed to, so React may create and drop these freely.
  const value = useMemo<TesseraContextValue>(
    () => ({
      client,
      userId,
      push: push === false ? null : sharedPushSource(push ?? transportPushSource(client.transport)),
      channel: TabChannel.forUser(userId),
      workers: new TabWorkers(),
    }),
    [client, userId, push],
  );
  // Every change to the user's jobs, where the transport has that feed (Supabase Realtime): how a
  // job that a server worker finished reaches this page without polling.
  const changes = useMemo(
    () => (push === false ? null : transportPushSource(client.transport, { channel: JOB_CHANGES_CHANNEL })),
    [client, push],
  );
  useEffect(() => followJobChanges({ ...value, changes }, queryClient), [value, changes, queryClient]);
  return <TesseraContext.Provider value={value}>{children}</TesseraContext.Provider>;
}

/** The client, user and tab plumbing of the nearest TesseraProvider. */
export function useTessera(): TesseraContextValue {
  const value = useContext(TesseraContext);
  if (!value) throw new Error('useTessera: wrap the component in <TesseraProvider client={…} userId={…}>');
  return value;
}
