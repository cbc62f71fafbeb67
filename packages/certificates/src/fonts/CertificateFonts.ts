/** The TrueType bytes of the certificate's Unicode font (DejaVu Sans and DejaVu Sans Bold). */
export interface FontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

/**
 * Where the Unicode font comes from: the file system in Node, asset URLs in a browser.
 * Loaded only when a certificate needs it (a name outside WinAnsi), then kept.
 */
export interface CertificateFonts {
  load(): Promise<FontBytes>;
}

/** Wraps a loader so the bytes are read once; a failed load is forgotten, so the next job tries again. */
export function memoizeFonts(loader: () => Promise<FontBytes>): CertificateFonts {
  let loading: Promise<FontBytes> | undefined;
  return {
    load() {
      loading ??= loader().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
  };
}
