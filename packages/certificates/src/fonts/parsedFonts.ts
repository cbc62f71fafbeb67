import fontkit, { type Font, type Subset } from '@pdf-lib/fontkit';

// Parsing a 700 KB TrueType file costs ~20 ms: parse each font once and hand pdf-lib the same Font
// for every document (each embedding still makes its own subset, so documents share no state).
const parsed = new WeakMap<Uint8Array, Font>();
const adapted = new WeakMap<Font, Font>();

export function parseFont(bytes: Uint8Array): Font {
  let font = parsed.get(bytes);
  if (!font) {
    font = fontkit.create(bytes);
    parsed.set(bytes, font);
  }
  return font;
}

/** What @pdf-lib/fontkit's subsets really have: `encode` writes into one of fontkit's EncodeStreams. */
interface FontkitSubset extends Subset {
  encode(stream: EncodeStream): void;
  cff?: unknown;
}

/** fontkit's (restructure's) EncodeStream: a Readable whose only output is `push(chunk)`, `push(null)` at the end. */
interface EncodeStream {
  push(chunk: Uint8Array | null): boolean;
  end(): void;
}

let EncodeStreamClass: (new () => EncodeStream) | undefined;

/**
 * Encodes a subset synchronously. fontkit's own `encodeStream()` delivers the bytes over several
 * `setTimeout` ticks of its bundled `process.nextTick` shim (a few ms of idle per font); instead,
 * run its `encode(stream)` on an EncodeStream whose `push` collects the chunks. The class is taken
 * once from a throwaway `encodeStream()` of an empty subset, since fontkit does not export it.
 */
function encodeSubset(subset: FontkitSubset, font: Font): Uint8Array {
  EncodeStreamClass ??= (font.createSubset().encodeStream() as object).constructor as new () => EncodeStream;
  const stream = new EncodeStreamClass();
  const chunks: Uint8Array[] = [];
  stream.push = (chunk) => {
    if (chunk) chunks.push(chunk);
    return true;
  };
  subset.encode(stream);
  stream.end();
  const bytes = new Uint8Array(chunks.reduce((length, chunk) => length + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * @cantoo/pdf-lib calls `subset.encode()` (fontkit v2's sync API) whenever a subset has an `encode`
 * method, but @pdf-lib/fontkit's `encode(stream)` needs a stream and throws without one: give
 * pdf-lib a subset whose `encode()` returns the bytes.
 */
function adaptSubset(subset: FontkitSubset, font: Font): Subset {
  return {
    includeGlyph: (glyph: Parameters<Subset['includeGlyph']>[0]) => subset.includeGlyph(glyph),
    encode: () => encodeSubset(subset, font),
    // pdf-lib reads `cff` to tell CFF from TrueType outlines.
    cff: subset.cff,
  } as unknown as Subset; // pdf-lib's Subset type: encode() is the optional sync API
}

function adaptFont(font: Font): Font {
  let proxy = adapted.get(font);
  if (!proxy) {
    proxy = new Proxy(font, {
      // fontkit's lazy getters must run on the real font, hence the target as receiver.
      get: (target, property) =>
        property === 'createSubset'
          ? () => adaptSubset(target.createSubset() as FontkitSubset, target)
          : Reflect.get(target, property, target),
    });
    adapted.set(font, proxy);
  }
  return proxy;
}

/** A fontkit for `pdfDoc.registerFontkit`: reuses parsed fonts and adapts their subsets to @cantoo/pdf-lib. */
export const cachingFontkit = {
  create: (bytes: Uint8Array, postscriptName?: string): Font =>
    adaptFont(postscriptName === undefined ? parseFont(bytes) : fontkit.create(bytes, postscriptName)),
};
