/**
 * The app's public address (PUBLIC_APP_URL in Node and Edge workers, VITE_PUBLIC_APP_URL in the
 * browser): certificate QR codes link to <url>/verify/<serial>, download links to
 * <url>/download/<token>. A wrong value prints links nobody can open, so it is checked once, at start.
 */
export class PublicAppUrlError extends Error {
  constructor(
    /** The environment variable (or option) that was wrong. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'PublicAppUrlError';
  }
}

const EXAMPLE = 'https://certificates.example.org';

/**
 * An absolute http(s) URL, without credentials, query or fragment, normalised without a trailing
 * slash: "https://Example.org/app/" → "https://example.org/app". Throws PublicAppUrlError naming `variable`.
 */
export function parsePublicAppUrl(value: string, variable = 'PUBLIC_APP_URL'): string {
  const text = value.trim();
  const refuse = (why: string) =>
    new PublicAppUrlError(variable, `${variable} ${why}, e.g. ${EXAMPLE} (got ${JSON.stringify(value)})`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('must be an absolute http(s) URL');
  if (url.username || url.password) throw refuse('must not contain a user name or password');
  if (text.includes('?') || text.includes('#')) throw refuse('must not have a query (?) or fragment (#)');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Like parsePublicAppUrl, and a clear error when the variable is not set at all. */
export function requirePublicAppUrl(value: string | undefined, variable = 'PUBLIC_APP_URL'): string {
  if (value === undefined || value.trim() === '') {
    throw new PublicAppUrlError(
      variable,
      `${variable} is not set: set it to the address where the web app is served (e.g. ${EXAMPLE}); ` +
        'certificate QR codes and download links point there',
    );
  }
  return parsePublicAppUrl(value, variable);
}

/** The public verification page of a serial (what the QR code opens). */
export const verifyPageUrl = (publicAppUrl: string, serial: string): string =>
  `${publicAppUrl}/verify/${encodeURIComponent(serial)}`;

/** The page that downloads a database-kept certificate with a token (apps/web: /download/:token). */
export const downloadPageUrl = (publicAppUrl: string, token: string): string =>
  `${publicAppUrl}/download/${encodeURIComponent(token)}`;
