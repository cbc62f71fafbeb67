import { PDFDocument, type PDFFont, StandardFonts } from '@cantoo/pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitText, splitInTwo } from '../src/layout/fitText';

let font: PDFFont;
beforeAll(async () => {
  font = await (await PDFDocument.create()).embedFont(StandardFonts.HelveticaBold);
});

const options = { maxWidth: 400, maxSize: 36, minSize: 20 };
const widest = (lines: string[], size: number) => Math.max(...lines.map((line) => font.widthOfTextAtSize(line, size)));

describe('fitText', () => {
  it('keeps a short text on one line at the largest size', () => {
    expect(fitText('Ada Lovelace', font, options)).toEqual({ lines: ['Ada Lovelace'], size: 36 });
  });

  it('shrinks a longer text on one line, down to the minimum size', () => {
    const fitted = fitText('Augusta Ada King, Countess of Lovelace', font, options);
    expect(fitted.lines).toHaveLength(1);
    expect(fitted.size).toBeLessThan(36);
    expect(fitted.size).toBeGreaterThanOrEqual(20);
    expect(widest(fitted.lines, fitted.size)).toBeLessThanOrEqual(400);
  });

  it('wraps to two balanced lines at a space when even the minimum size is too wide', () => {
    const text = 'Maria Magdalena Alexandrina Wilhelmina von Hohenzollern und Schwarzenberg';
    const fitted = fitText(text, font, options);
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines.join(' ')).toBe(text);
    expect(fitted.size).toBeLessThanOrEqual(20);
    expect(widest(fitted.lines, fitted.size)).toBeLessThanOrEqual(400);
    const [first, second] = fitted.lines.map((line) => font.widthOfTextAtSize(line, 1));
    expect(Math.abs(first! - second!) / Math.max(first!, second!)).toBeLessThan(0.3);
  });

  it('can break after a hyphen, keeping the hyphen on the first line', () => {
    expect(splitInTwo('Hohenzollern-Sigmaringen', font)).toEqual(['Hohenzollern-', 'Sigmaringen']);
  });

  it('cuts a single very long word between characters, and still fits it', () => {
    const word = 'W'.repeat(200);
    const fitted = fitText(word, font, options);
    expect(fitted.lines).toHaveLength(2);
    expect(fitted.lines.join('')).toBe(word);
    expect(widest(fitted.lines, fitted.size)).toBeLessThanOrEqual(400);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const [first, second] = splitInTwo('𝔸'.repeat(41), font);
    expect([...first, ...second].every((character) => character === '𝔸')).toBe(true);
  });
});
