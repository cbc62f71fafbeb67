import { describe, expect, it } from 'vitest';
import { LeaderLock, leaderLockName } from '../src/LeaderLock';
import { TabChannel, type TabMessage } from '../src/TabChannel';
import { FakeLockManager } from './support/FakeLockManager';
import { flushUntil, settle } from './support/flush';

describe('LeaderLock', () => {
  it('leads at once where the browser has no Web Locks (jsdom)', () => {
    expect(navigator.locks).toBeUndefined();
    const changes: boolean[] = [];
    const release = new LeaderLock(leaderLockName('u1')).acquire((isLeader) => changes.push(isLeader));
    expect(changes).toEqual([true]);
    release();
  });

  it('lets one tab lead and hands the lock to the next in line when it lets go', async () => {
    const locks = new FakeLockManager();
    const first: boolean[] = [];
    const second: boolean[] = [];
    const releaseFirst = new LeaderLock('tessera-worker:u2', { locks }).acquire((isLeader) => first.push(isLeader));
    const releaseSecond = new LeaderLock('tessera-worker:u2', { locks }).acquire((isLeader) => second.push(isLeader));
    await flushUntil(() => first.length > 0);
    await settle();
    expect(first).toEqual([true]);
    expect(second).toEqual([]);

    releaseFirst();
    await flushUntil(() => second.length > 0);
    expect(second).toEqual([true]);
    releaseSecond();
    await settle();
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('leaves the queue when released before it was granted', async () => {
    const locks = new FakeLockManager();
    const releaseLeader = new LeaderLock('l', { locks }).acquire(() => {});
    const waiting: boolean[] = [];
    const releaseWaiting = new LeaderLock('l', { locks }).acquire((isLeader) => waiting.push(isLeader));
    await settle();
    releaseWaiting();
    releaseLeader();
    await settle();
    expect(waiting).toEqual([]);
    expect(await locks.query()).toEqual({ held: [], pending: [] });
  });

  it('follows when another tab steals the lock, and queues again', async () => {
    const locks = new FakeLockManager();
    const changes: boolean[] = [];
    const release = new LeaderLock('s', { locks }).acquire((isLeader) => changes.push(isLeader));
    await flushUntil(() => changes.length === 1);
    let letGo: () => void = () => {};
    void locks.request('s', { steal: true }, () => new Promise<void>((resolve) => (letGo = resolve)));
    await flushUntil(() => changes.length === 2);
    expect(changes).toEqual([true, false]);
    letGo();
    await flushUntil(() => changes.length === 3);
    expect(changes).toEqual([true, false, true]);
    release();
  });
});

describe('TabChannel', () => {
  it('carries messages to the other tabs of the same user only', async () => {
    const here = TabChannel.forUser('ada');
    const otherTab = TabChannel.forUser('ada');
    const otherUser = TabChannel.forUser('bob');
    const heardHere: TabMessage[] = [];
    const heardThere: TabMessage[] = [];
    const heardByBob: TabMessage[] = [];
    const stops = [
      here.subscribe((message) => heardHere.push(message)),
      otherTab.subscribe((message) => heardThere.push(message)),
      otherUser.subscribe((message) => heardByBob.push(message)),
    ];
    here.post({ type: 'enqueued', jobType: 'demo.echo' });
    here.post({ type: 'job-changed', id: 'j1', progress: 40 });
    await flushUntil(() => heardThere.length === 2);
    await settle();
    expect(heardThere).toEqual([
      { type: 'enqueued', jobType: 'demo.echo' },
      { type: 'job-changed', id: 'j1', progress: 40 },
    ]);
    expect(heardHere).toEqual([]); // a channel does not hear itself
    expect(heardByBob).toEqual([]);
    stops.forEach((stop) => stop());
  });

  it('ignores messages of other shapes', async () => {
    const listening = TabChannel.forUser('carol');
    const heard: TabMessage[] = [];
    const stop = listening.subscribe((message) => heard.push(message));
    const raw = new BroadcastChannel('tessera:carol');
    raw.postMessage({ type: 'job-changed' }); // no id
    raw.postMessage('enqueued');
    raw.postMessage({ type: 'enqueued' });
    await flushUntil(() => heard.length === 1);
    await settle();
    expect(heard).toEqual([{ type: 'enqueued' }]);
    raw.close();
    stop();
  });

  it('does nothing without BroadcastChannel', () => {
    const channel = new TabChannel('tessera:dave', { BroadcastChannel: null });
    const stop = channel.subscribe(() => {});
    expect(() => channel.post({ type: 'enqueued' })).not.toThrow();
    stop();
  });
});
