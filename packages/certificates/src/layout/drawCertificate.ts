import { type PDFFont, type PDFPage, rgb } from '@cantoo/pdf-lib';
import type { CertificateTexts } from '../certificateText';
import { drawQrCode } from '../qrCode';
import { fitText, type FittedText, type MeasuringFont } from './fitText';

export interface CertificateFontPair {
  regular: PDFFont;
  bold: PDFFont;
}

const INK = rgb(0.11, 0.13, 0.2);
const MUTED = rgb(0.4, 0.42, 0.48);
const ACCENT = rgb(0.15, 0.32, 0.56);
const LINE_HEIGHT = 1.2;
const MARGIN = 70;
const QR_SIZE = 104;
// Everything of the main block stays above this line: the footer and the QR code live below it.
const BLOCK_BOTTOM = 215;
const BLOCK_TOP = 462;

interface Block {
  fitted: FittedText;
  font: PDFFont;
  color: ReturnType<typeof rgb>;
  gapBefore: number;
}

const blockHeight = ({ fitted }: Block) => fitted.size * (1 + LINE_HEIGHT * (fitted.lines.length - 1));

/** Measures each text once per font: with an embedded font every measurement is a full layout. */
function measuring(font: PDFFont): MeasuringFont {
  const widths = new Map<string, number>();
  return {
    widthOfTextAtSize(text, size) {
      let width = widths.get(text);
      if (width === undefined) {
        width = font.widthOfTextAtSize(text, 1);
        widths.set(text, width);
      }
      return width * size;
    },
  };
}

/** Lays out and draws a certificate on a landscape A4 page. */
export function drawCertificate(page: PDFPage, texts: CertificateTexts, fonts: CertificateFontPair): void {
  const { width, height } = page.getSize();
  const centerX = width / 2;
  const measures = new Map([fonts.regular, fonts.bold].map((font) => [font, measuring(font)]));
  const measure = (font: PDFFont) => measures.get(font)!;
  const drawCentered = (line: string, y: number, size: number, font: PDFFont, color = INK) =>
    page.drawText(line, { x: centerX - measure(font).widthOfTextAtSize(line, size) / 2, y, size, font, color });

  page.drawRectangle({ x: 20, y: 20, width: width - 40, height: height - 40, borderColor: ACCENT, borderWidth: 2 });
  page.drawRectangle({ x: 28, y: 28, width: width - 56, height: height - 56, borderColor: ACCENT, borderWidth: 0.75 });
  drawCentered('CERTIFICATE OF ATTENDANCE', 500, 30, fonts.bold, ACCENT);
  page.drawLine({ start: { x: centerX - 60, y: 484 }, end: { x: centerX + 60, y: 484 }, thickness: 1, color: ACCENT });

  const fixed = (text: string, size: number, gapBefore: number, color = MUTED): Block => ({
    fitted: { lines: [text], size },
    font: fonts.regular,
    color,
    gapBefore,
  });
  const fitted = (text: string, font: PDFFont, maxSize: number, minSize: number, gapBefore: number): Block => ({
    fitted: fitText(text, measure(font), { maxWidth: width - 2 * MARGIN - 60, maxSize, minSize }),
    font,
    color: INK,
    gapBefore,
  });
  const blocks: Block[] = [
    fixed('This certifies that', 15, 0),
    fitted(texts.attendeeName.text, fonts.bold, 36, 22, 20),
    fixed('attended', 15, 18),
    fitted(texts.eventTitle.text, fonts.bold, 24, 16, 14),
    fixed(`on ${texts.eventDate.text}`, 15, 14),
  ];
  if (texts.eventLocation) blocks.push({ ...fitted(texts.eventLocation.text, fonts.regular, 13, 10, 10), color: MUTED });

  // Centre the main block vertically between the heading and the footer.
  const total = blocks.reduce((sum, block) => sum + block.gapBefore + blockHeight(block), 0);
  let top = BLOCK_TOP - Math.max(0, (BLOCK_TOP - BLOCK_BOTTOM - total) / 2);
  for (const block of blocks) {
    top -= block.gapBefore;
    const { lines, size } = block.fitted;
    lines.forEach((line, index) => drawCentered(line, top - size * (0.8 + LINE_HEIGHT * index), size, block.font, block.color));
    top -= blockHeight(block);
  }

  drawFooter(page, texts, fonts.regular, measure(fonts.regular));
}

function drawFooter(page: PDFPage, texts: CertificateTexts, font: PDFFont, measure: MeasuringFont): void {
  const { width } = page.getSize();
  const label = (text: string, y: number) => page.drawText(text, { x: MARGIN, y, size: 8, font, color: MUTED });
  const value = (text: string, y: number) => page.drawText(text, { x: MARGIN, y, size: 12, font, color: INK });
  label('SERIAL NUMBER', 122);
  value(texts.serial.text, 106);
  label('VERIFICATION CODE', 82);
  value(texts.verificationCode.text, 66);

  const qrX = width - MARGIN - QR_SIZE;
  const qrY = 72;
  drawQrCode(page, texts.verifyUrl.text, { x: qrX, y: qrY, size: QR_SIZE });
  const scan = 'Scan to verify';
  page.drawText(scan, {
    x: qrX + (QR_SIZE - measure.widthOfTextAtSize(scan, 8)) / 2,
    y: qrY + QR_SIZE + 14,
    size: 8,
    font,
    color: MUTED,
  });
  // The URL is right-aligned under the code and shrinks (never wraps) to stay clear of the serial.
  const url = texts.verifyUrl.text;
  const urlSize = Math.min(7, Math.floor(((width / 2 - MARGIN) / measure.widthOfTextAtSize(url, 1)) * 2) / 2);
  page.drawText(url, {
    x: qrX + QR_SIZE - measure.widthOfTextAtSize(url, urlSize),
    y: 52,
    size: urlSize,
    font,
    color: MUTED,
  });
}
