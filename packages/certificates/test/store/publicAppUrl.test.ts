import { describe, expect, it } from 'vitest';
import { downloadPageUrl, parsePublicAppUrl, PublicAppUrlError, requirePublicAppUrl, verifyPageUrl } from '../../src/index';

describe('the public base URL (PUBLIC_APP_URL / VITE_PUBLIC_APP_URL)', () => {
  it('normalises to origin + path without a trailing slash', () => {
    expect(parsePublicAppUrl('https://Certificates.Example.org/')).toBe('https://certificates.example.org');
    expect(parsePublicAppUrl('  https://example.org:443/app//  ')).toBe('https://example.org/app');
    expect(parsePublicAppUrl('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
  });

  it('refuses anything but an absolute http(s) URL without credentials, query or fragment, naming the variable', () => {
    for (const wrong of ['', 'example.org', '/app', 'javascript:alert(1)', 'ftp://example.org', 'https://a:b@example.org', 'https://example.org/?x', 'https://example.org/#x']) {
      let error: unknown;
      try {
        parsePublicAppUrl(wrong, 'VITE_PUBLIC_APP_URL');
      } catch (caught) {
        error = caught;
      }
      expect(error, wrong).toBeInstanceOf(PublicAppUrlError);
      expect((error as PublicAppUrlError).variable).toBe('VITE_PUBLIC_APP_URL');
      expect((error as Error).message).toMatch(/^VITE_PUBLIC_APP_URL must/);
    }
  });

  it('requirePublicAppUrl says the variable is not set', () => {
    expect(() => requirePublicAppUrl(undefined)).toThrow(/^PUBLIC_APP_URL is not set/);
    expect(() => requirePublicAppUrl('  ', 'PUBLIC_APP_URL')).toThrow(/^PUBLIC_APP_URL is not set/);
    expect(requirePublicAppUrl('https://example.org/')).toBe('https://example.org');
  });

  it('builds the verify and download page links from it', () => {
    expect(verifyPageUrl('https://example.org/app', 'TSR-2026-000001')).toBe('https://example.org/app/verify/TSR-2026-000001');
    expect(downloadPageUrl('https://example.org', 'ab12')).toBe('https://example.org/download/ab12');
  });
});
