import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config';

describe('readConfig: VITE_PUBLIC_APP_URL, the base of QR-code and download links', () => {
  it('defaults to the page’s own origin', () => {
    expect(readConfig({}).publicAppUrl).toBe(window.location.origin);
  });

  it('is normalised without a trailing slash', () => {
    expect(readConfig({ VITE_PUBLIC_APP_URL: 'https://Certificates.Example.org/app/' }).publicAppUrl).toBe(
      'https://certificates.example.org/app',
    );
  });

  it('refuses a value that is not an absolute http(s) URL, naming the variable', () => {
    expect(() => readConfig({ VITE_PUBLIC_APP_URL: 'certificates.example.org' })).toThrow(
      /^VITE_PUBLIC_APP_URL must be an absolute http\(s\) URL/,
    );
  });
});
