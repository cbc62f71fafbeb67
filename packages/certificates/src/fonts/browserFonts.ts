import boldUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf?url';
import regularUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { type CertificateFonts, memoizeFonts } from './CertificateFonts';

async function fetchFont(url: string): Promise<Uint8Array> {
  const response = await fetch(url).catch((error: unknown) => {
    throw new Error(`could not load the certificate font ${url}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new Error(`could not load the certificate font ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** DejaVu Sans as Vite asset URLs, fetched on first use only (about 1.4 MB, then the HTTP cache). */
export function browserFonts(): CertificateFonts {
  return memoizeFonts(async () => {
    const [regular, bold] = await Promise.all([fetchFont(regularUrl), fetchFont(boldUrl)]);
    return { regular, bold };
  });
}
