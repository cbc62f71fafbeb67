import {
  decodePDFRawStream,
  extractPageContents,
  PDFArray,
  PDFContentStream,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from '@cantoo/pdf-lib';

export interface TextLine {
  text: string;
  x: number;
  y: number;
  fontSize: number;
  fontFamily: string;
}

export interface EmbeddedFont {
  baseFont: string;
  subtype: string;
  /** Length of the embedded TrueType program, or null when nothing is embedded (a standard font). */
  fontFileBytes: number | null;
}

export async function loadPdf(bytes: Uint8Array): Promise<PDFDocument> {
  return PDFDocument.load(bytes, { updateMetadata: false });
}

/** The page's text as a PDF reader extracts it: show-text operators decoded through each font's ToUnicode or encoding. */
export function textLines(pdf: PDFDocument): TextLine[] {
  return extractPageContents(pdf.getPage(0).node).flatMap((asset) =>
    asset.kind === 'text'
      ? [{ text: asset.getText().trim(), x: asset.x, y: asset.y, fontSize: asset.fontSize, fontFamily: asset.fontFamily }]
      : [],
  );
}

const name = (dict: PDFDict, key: string) => dict.lookupMaybe(PDFName.of(key), PDFName)?.decodeText() ?? '';

/** Every font dictionary of the document, with the size of its embedded font program (FontFile2). */
export function embeddedFonts(pdf: PDFDocument): EmbeddedFont[] {
  const fonts: EmbeddedFont[] = [];
  for (const [, object] of pdf.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || name(object, 'Type') !== 'Font' || name(object, 'Subtype') === 'CIDFontType2') continue;
    let descriptorOwner = object;
    const descendants = object.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
    if (descendants) descriptorOwner = descendants.lookup(0, PDFDict);
    const descriptor = descriptorOwner.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
    const fontFile = descriptor?.lookupMaybe(PDFName.of('FontFile2'), PDFStream);
    fonts.push({
      baseFont: name(object, 'BaseFont'),
      subtype: name(object, 'Subtype'),
      fontFileBytes: fontFile instanceof PDFRawStream ? decodePDFRawStream(fontFile).decode().length : null,
    });
  }
  return fonts.sort((a, b) => a.baseFont.localeCompare(b.baseFont));
}

/** The page's content streams, decompressed, as text. */
export function contentStreams(pdf: PDFDocument): string[] {
  const contents = pdf.getPage(0).node.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  return streams.map((entry) => {
    const stream = entry instanceof PDFRef ? pdf.context.lookup(entry) : entry;
    // Reading the text (extractPageContents) normalises the page, which may add pdf-lib's own streams.
    if (stream instanceof PDFContentStream) return Buffer.from(stream.getUnencodedContents()).toString('latin1');
    if (!(stream instanceof PDFRawStream)) throw new Error('unexpected content stream type');
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('latin1');
  });
}

export interface DrawnQrCode {
  /** `dark[row][column]`, row 0 at the top, rebuilt from the filled rectangles. */
  dark: boolean[][];
  moduleSize: number;
  x: number;
  y: number;
}

/**
 * Finds the path drawn as `q s 0 0 s x y cm … re … f Q` (a uniform scale, then filled rectangles)
 * and rasterises its rectangles back into a module matrix.
 */
export function drawnQrCode(pdf: PDFDocument): DrawnQrCode {
  const number = String.raw`(-?[\d.]+)`;
  const header = new RegExp(String.raw`q ${number} 0 0 \1 ${number} ${number} cm 0 0 0 rg\n`);
  for (const content of contentStreams(pdf)) {
    const match = header.exec(content);
    if (!match) continue;
    const body = content.slice(match.index + match[0].length, content.indexOf('f Q', match.index));
    const rectangles = [...body.matchAll(/(\d+) (\d+) (\d+) (\d+) re/g)].map((m) => m.slice(1, 5).map(Number));
    const count = Math.max(...rectangles.map(([x = 0, , width = 0]) => x + width));
    const dark = Array.from({ length: count }, () => Array<boolean>(count).fill(false));
    for (const [x = 0, y = 0, width = 0, height = 0] of rectangles) {
      if (height !== 1) throw new Error('a QR rectangle spans more than one row');
      for (let column = x; column < x + width; column += 1) dark[count - 1 - y]![column] = true;
    }
    return { dark, moduleSize: Number(match[1]), x: Number(match[2]), y: Number(match[3]) };
  }
  throw new Error('no QR code path in the page content');
}
