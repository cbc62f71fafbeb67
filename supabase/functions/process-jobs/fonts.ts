import type { CertificateFonts, FontBytes } from '@tessera/certificates';

/** Where the DejaVu fonts are fetched from when the npm package is not on disk (a deployed function). */
export const DEFAULT_FONTS_URL = 'https://cdn.jsdelivr.net/npm/dejavu-fonts-ttf@2.37.3/ttf';

async function fetchFont(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load the certificate font ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The certificate's Unicode font (only names outside WinAnsi need it): from the `dejavu-fonts-ttf`
 * package on disk when there is one (a checkout, `deno run` with node_modules), else fetched from
 * `baseUrl` (CERTIFICATE_FONTS_URL): a deployed Edge Function has npm packages as modules, not as
 * files it could read. Loaded once per instance; a failed load is tried again by the next job.
 */
export function edgeFonts(local: CertificateFonts, baseUrl: string): CertificateFonts {
  let loading: Promise<FontBytes> | undefined;
  const load = async (): Promise<FontBytes> => {
    try {
      return await local.load();
    } catch {
      const base = baseUrl.replace(/\/+$/, '');
      const [regular, bold] = await Promise.all([fetchFont(`${base}/DejaVuSans.ttf`), fetchFont(`${base}/DejaVuSans-Bold.ttf`)]);
      return { regular, bold };
    }
  };
  return {
    load() {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
  };
}
