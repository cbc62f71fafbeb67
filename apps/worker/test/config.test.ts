import { describe, expect, it } from 'vitest';
import { ConfigError, parseWorkerConfig } from '../src/config';

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

describe('PUBLIC_APP_URL in the worker config', () => {
  it('is required, and the error names the variable', () => {
    for (const missing of [undefined, '', '   ']) {
      const parse = () => parseWorkerConfig({ databaseUrl: DATABASE_URL, publicAppUrl: missing });
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(/PUBLIC_APP_URL is not set \(nor --public-app-url\)/);
    }
  });

  it('must be an absolute http(s) URL without credentials, query or fragment', () => {
    for (const wrong of ['app.example.org', '/verify', 'ftp://app.example.org', 'https://user:pw@app.example.org', 'https://app.example.org/?a=1', 'https://app.example.org/#top']) {
      expect(() => parseWorkerConfig({ databaseUrl: DATABASE_URL, publicAppUrl: wrong }), wrong).toThrow(/PUBLIC_APP_URL must/);
    }
  });

  it('is normalised without a trailing slash, so links never get "//"', () => {
    const url = (publicAppUrl: string) => parseWorkerConfig({ databaseUrl: DATABASE_URL, publicAppUrl }).publicAppUrl;
    expect(url('https://Certificates.Example.org/')).toBe('https://certificates.example.org');
    expect(url(' https://example.org/tessera/// ')).toBe('https://example.org/tessera');
    expect(url('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
  });
});
