import type { PDFPage } from '@cantoo/pdf-lib';
import { create as createQrCode } from 'qrcode';

export interface QrPlacement {
  /** Lower-left corner and side of the square the modules fill (the quiet zone is left around it). */
  x: number;
  y: number;
  size: number;
}

/** The QR code's module matrix (error correction M): `dark[row][column]`, row 0 at the top. */
export function qrModules(text: string): boolean[][] {
  const { modules } = createQrCode(text, { errorCorrectionLevel: 'M' });
  const rows: boolean[][] = [];
  for (let row = 0; row < modules.size; row += 1) {
    const cells: boolean[] = [];
    for (let column = 0; column < modules.size; column += 1) cells.push(modules.get(row, column) === 1);
    rows.push(cells);
  }
  return rows;
}

const pdfNumber = (value: number): string => String(Number(value.toFixed(4)));

/**
 * The QR code as a self-contained content stream: one rectangle per horizontal run of dark modules,
 * all in one path filled once (no hairline seams between modules in viewers). A `cm` scales one unit
 * to one module, so every rectangle is small integers. Written as text, not pdf-lib operators:
 * a few hundred rectangles as objects cost more than the rest of the page.
 */
export function qrCodeContent(text: string, placement: QrPlacement): string {
  const modules = qrModules(text);
  const count = modules.length;
  const parts = [`q ${pdfNumber(placement.size / count)} 0 0 ${pdfNumber(placement.size / count)} ${pdfNumber(placement.x)} ${pdfNumber(placement.y)} cm 0 0 0 rg`];
  modules.forEach((cells, row) => {
    const y = count - 1 - row; // PDF y grows upwards, QR rows downwards
    let start = -1;
    for (let column = 0; column <= count; column += 1) {
      const dark = column < count && cells[column];
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        parts.push(`${start} ${y} ${column - start} 1 re`);
        start = -1;
      }
    }
  });
  parts.push('f Q');
  return parts.join('\n');
}

/** Draws the QR code for `text` on the page as vector modules. */
export function drawQrCode(page: PDFPage, text: string, placement: QrPlacement): void {
  const { context } = page.doc;
  page.node.addContentStream(context.register(context.flateStream(qrCodeContent(text, placement))));
}
