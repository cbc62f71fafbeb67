import { describe, expect, it } from 'vitest';
import {
  CacheConfigError,
  createCache,
  redisConfigFromNodeEnv,
  redisConfigFromViteEnv,
  TTL,
} from '../src/index';

describe('configuration from the environment', () => {
  it('reads the web app variables from an import.meta.env-like object', () => {
    const env = {
      VITE_UPSTASH_REDIS_URL: ' https://eu1-example.upstash.io ',
      VITE_UPSTASH_REDIS_TOKEN: 'read-only-token',
      DEV: true,
      MODE: 'development',
    };
    expect(redisConfigFromViteEnv(env)).toEqual({ url: 'https://eu1-example.upstash.io', token: 'read-only-token' });
    // The Node names are not read in the browser and the other way round.
    expect(redisConfigFromNodeEnv(env)).toBeUndefined();
  });

  it('reads the Node variables from a process.env-like object', () => {
    const env = { UPSTASH_REDIS_REST_URL: 'https://eu1-example.upstash.io', UPSTASH_REDIS_REST_TOKEN: 'write-token' };
    expect(redisConfigFromNodeEnv(env)).toEqual({ url: 'https://eu1-example.upstash.io', token: 'write-token' });
    expect(redisConfigFromViteEnv(env)).toBeUndefined();
  });

  it('means memory only when neither variable is set, or both are empty', () => {
    expect(redisConfigFromNodeEnv({})).toBeUndefined();
    expect(redisConfigFromNodeEnv({ UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '  ' })).toBeUndefined();
    expect(createCache({ app: 'web', redis: redisConfigFromViteEnv({}) }).stats().configured).toBe('memory');
  });

  it('fails clearly on half a configuration instead of silently using memory', () => {
    expect(() => redisConfigFromNodeEnv({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' })).toThrow(
      new CacheConfigError('UPSTASH_REDIS_REST_URL is set but UPSTASH_REDIS_REST_TOKEN is not; set both or neither'),
    );
    expect(() => redisConfigFromViteEnv({ VITE_UPSTASH_REDIS_TOKEN: 'token' })).toThrow(
      /VITE_UPSTASH_REDIS_TOKEN is set but VITE_UPSTASH_REDIS_URL is not/,
    );
  });
});

describe('createCache options', () => {
  it('picks Redis when a URL and token are given', () => {
    const cache = createCache({ app: 'web', redis: { url: 'https://eu1-example.upstash.io', token: 't' } });
    expect(cache.stats()).toMatchObject({ configured: 'redis', backend: 'redis', circuit: 'closed' });
  });

  it('rejects bad options with a CacheConfigError naming each problem', () => {
    expect(() => createCache({ app: 'has:colon' })).toThrow(CacheConfigError);
    expect(() => createCache({ app: '' })).toThrow(/app must be 1–64 letters/);
    expect(() => createCache({ app: 'web', redis: { url: 'redis://127.0.0.1:6379', token: 't' } })).toThrow(
      /redis\.url must be an http\(s\) URL/,
    );
    expect(() => createCache({ app: 'web', redis: { url: 'https://x.upstash.io', token: ' ' } })).toThrow(
      /redis\.token must not be empty/,
    );
    expect(() => createCache({ app: 'web', timeoutMs: 0, maxEntries: -1 })).toThrow(/timeoutMs[\s\S]*maxEntries/);
  });

  it('exports the TTL presets in seconds', () => {
    expect(TTL).toEqual({ SHORT: 300, MEDIUM: 1800, LONG: 3600, VERY_LONG: 86400 });
  });
});
