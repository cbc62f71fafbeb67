import { PageSizes, PDFDocument, StandardFonts } from '@cantoo/pdf-lib';
import { assertRenderable, certificateTexts, type CertificateTexts, type FontPath, fontPathOf } from './certificateText';
import type { CertificateFonts } from './fonts/CertificateFonts';
import { cachingFontkit, parseFont } from './fonts/parsedFonts';
import { type CertificateFontPair, drawCertificate } from './layout/drawCertificate';
import type { CertificateData } from './payload';

export interface RenderCertificateOptions {
  /** What the QR code links to (and the URL printed under it), e.g. `https://app.example/verify/TSR-2026-000042`. */
  verifyUrl: string;
  /** The Unicode font, loaded only when a text is outside WinAnsi. */
  fonts: CertificateFonts;
  /** The PDF's creation date (default: now). */
  creationDate?: Date;
  /** Told which font path was taken, before drawing. */
  onFontPath?: (path: FontPath) => void;
}

/** A landscape A4 page (841.89 × 595.28 pt). */
const PAGE_SIZE: [number, number] = [PageSizes.A4[1], PageSizes.A4[0]];

// pdf-lib draws each glyph at its advance width and ignores GPOS positions, so computing kerning
// and mark positions during layout is wasted work (a third of the layout time).
const WITHOUT_POSITIONING = { kern: false, mark: false, mkmk: false };

async function embedFonts(pdf: PDFDocument, path: FontPath, texts: CertificateTexts, fonts: CertificateFonts): Promise<CertificateFontPair> {
  if (path === 'standard') {
    const [regular, bold] = await Promise.all([
      pdf.embedFont(StandardFonts.Helvetica),
      pdf.embedFont(StandardFonts.HelveticaBold),
    ]);
    return { regular, bold };
  }
  const bytes = await fonts.load();
  const faces = { regular: parseFont(bytes.regular), bold: parseFont(bytes.bold) };
  // Check before drawing: a missing glyph would otherwise become an empty box in a "valid" PDF.
  assertRenderable(texts, (codePoint, bold) => (bold ? faces.bold : faces.regular).hasGlyphForCodePoint(codePoint));
  pdf.registerFontkit(cachingFontkit);
  const embedOptions = { subset: true, features: WITHOUT_POSITIONING };
  const [regular, bold] = await Promise.all([
    pdf.embedFont(bytes.regular, embedOptions),
    pdf.embedFont(bytes.bold, embedOptions),
  ]);
  return { regular, bold };
}

/**
 * Renders a one-page certificate PDF. Helvetica when every character is WinAnsi (fast, nothing
 * embedded), else a DejaVu Sans subset; throws `UnsupportedCharactersError` when neither can draw a text.
 */
export async function renderCertificatePdf(data: CertificateData, options: RenderCertificateOptions): Promise<Uint8Array> {
  const texts = certificateTexts(data, options.verifyUrl);
  const path = fontPathOf(texts);
  options.onFontPath?.(path);

  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fonts = await embedFonts(pdf, path, texts, options.fonts);
  drawCertificate(pdf.addPage(PAGE_SIZE), texts, fonts);

  const date = options.creationDate ?? new Date();
  pdf.setTitle(`Certificate of Attendance – ${texts.eventTitle.text}`);
  pdf.setSubject(`${texts.attendeeName.text} attended ${texts.eventTitle.text} on ${texts.eventDate.text}`);
  pdf.setKeywords(['certificate', texts.serial.text]);
  pdf.setCreator('Tessera');
  pdf.setProducer('Tessera (pdf-lib)');
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);
  // Object streams would save ~1 KB but cost ~0.4 ms a document: the render rate matters more here.
  return pdf.save({ useObjectStreams: false });
}
