// @vitest-environment node
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { followJobChanges } from '../src/jobCache';
import type { PushSource } from '../src/PushSource';
import { jobQueryKeys } from '../src/queryKeys';
import { TabChannel } from '../src/TabChannel';
import { TabWorkers } from '../src/TabWorkers';

/** A changes feed we can drive: what Supabase Realtime delivers on tessera_job_changes. */
function drivenFeed() {
  let emit: (payload: string) => void = () => undefined;
  const feed: PushSource = {
    subscribe(onChange, onStatus) {
      emit = onChange;
      onStatus(true);
      return () => undefined;
    },
  };
  return { feed, emit: (payload: string) => emit(payload) };
}

describe('the job-changes feed (a job finished by a server worker)', () => {
  const stops: Array<() => void> = [];
  afterEach(() => stops.splice(0).forEach((stop) => stop()));

  function follow(queryClient: QueryClient, feed: PushSource) {
    const channel = TabChannel.forUser('feed-user');
    stops.push(followJobChanges({ channel, workers: new TabWorkers(), push: null, changes: feed }, queryClient));
  }

  it('marks that job and the job lists stale, and nothing else', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(jobQueryKeys.job('j1'), { id: 'j1' });
    queryClient.setQueryData(jobQueryKeys.job('j2'), { id: 'j2' });
    queryClient.setQueryData(jobQueryKeys.jobs('feed-user'), [{ id: 'j1' }]);
    const { feed, emit } = drivenFeed();
    follow(queryClient, feed);
    emit(JSON.stringify({ id: 'j1', status: 'completed', job_type: 'certificate' }));
    expect(queryClient.getQueryState(jobQueryKeys.job('j1'))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(jobQueryKeys.jobs('feed-user'))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(jobQueryKeys.job('j2'))?.isInvalidated).toBe(false);
  });

  it('refreshes everything when changes may have been missed (*)', () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(jobQueryKeys.job('j2'), { id: 'j2' });
    const { feed, emit } = drivenFeed();
    follow(queryClient, feed);
    emit('*');
    expect(queryClient.getQueryState(jobQueryKeys.job('j2'))?.isInvalidated).toBe(true);
  });
});
