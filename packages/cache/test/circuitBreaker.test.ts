import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../src/circuitBreaker';

function breakerWithClock(failureThreshold: number, cooldownMs: number) {
  const clock = { now: 1_000 };
  const breaker = new CircuitBreaker({ failureThreshold, cooldownMs, now: () => clock.now });
  return { breaker, clock };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, and a success in between resets the count', () => {
    const { breaker } = breakerWithClock(2, 5_000);
    breaker.fail('normal');
    breaker.succeed('normal');
    breaker.fail('normal');
    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toBe('normal');
    breaker.fail('normal');
    expect(breaker.state).toBe('open');
    expect(breaker.acquire()).toBeNull();
  });

  it('half-opens after the cool-down and lets exactly one probe through', () => {
    const { breaker, clock } = breakerWithClock(1, 5_000);
    breaker.fail('normal');
    clock.now += 4_999;
    expect(breaker.acquire()).toBeNull();
    clock.now += 1;
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toBe('probe');
    expect(breaker.acquire()).toBeNull();
    expect(breaker.state).toBe('half-open');
  });

  it('closes when the probe succeeds', () => {
    const { breaker, clock } = breakerWithClock(1, 100);
    breaker.fail('normal');
    clock.now += 100;
    breaker.succeed(breaker.acquire() ?? 'normal');
    expect(breaker.state).toBe('closed');
    expect(breaker.acquire()).toBe('normal');
  });

  it('reopens for a full cool-down when the probe fails', () => {
    const { breaker, clock } = breakerWithClock(1, 100);
    breaker.fail('normal');
    clock.now += 150;
    breaker.fail(breaker.acquire() ?? 'normal');
    expect(breaker.state).toBe('open');
    clock.now += 99;
    expect(breaker.acquire()).toBeNull();
    clock.now += 1;
    expect(breaker.acquire()).toBe('probe');
  });

  it('ignores a late success of a call that started before the circuit opened', () => {
    const { breaker } = breakerWithClock(1, 1_000);
    const early = breaker.acquire() ?? 'normal';
    breaker.fail('normal');
    breaker.succeed(early);
    expect(breaker.state).toBe('open');
  });
});
