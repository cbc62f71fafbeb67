import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type CertificateFonts, memoizeFonts } from './CertificateFonts';

const require = createRequire(import.meta.url);

async function readFont(file: string): Promise<Uint8Array> {
  const buffer = await readFile(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** DejaVu Sans from the `dejavu-fonts-ttf` package, read from disk once (Node only). */
export function nodeFonts(): CertificateFonts {
  return memoizeFonts(async () => {
    const [regular, bold] = await Promise.all([readFont('DejaVuSans.ttf'), readFont('DejaVuSans-Bold.ttf')]);
    return { regular, bold };
  });
}
