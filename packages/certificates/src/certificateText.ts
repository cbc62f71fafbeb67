import { StandardFontEmbedder, StandardFonts } from '@cantoo/pdf-lib';
import { PermanentJobError } from '@tessera/queue';
import { UnsupportedCharactersError, type UnsupportedCharacters } from './errors';
import type { CertificateData } from './payload';

/** Which fonts a certificate is drawn with: Helvetica (nothing embedded, fast) or an embedded DejaVu Sans subset. */
export type FontPath = 'standard' | 'unicode';

export interface CertificateText {
  /** How the text is named in error messages. */
  field: string;
  text: string;
  bold: boolean;
}

/** Every variable text a certificate prints, normalised the way it is drawn. */
export interface CertificateTexts {
  attendeeName: CertificateText;
  eventTitle: CertificateText;
  eventDate: CertificateText;
  eventLocation: CertificateText | null;
  serial: CertificateText;
  verificationCode: CertificateText;
  verifyUrl: CertificateText;
}

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

/** `2026-03-12` → `12 March 2026`: the same in every locale, and unambiguous. */
export function formatEventDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  return `${Number(match[3])} ${month} ${match[1]}`;
}

/**
 * NFC (so a decomposed `ë` is one WinAnsi character), without invisible format characters (soft
 * hyphens, zero-width spaces, bidi marks: Helvetica would draw a soft hyphen as a visible `-`),
 * and single spaces (a drawn line has no tabs or breaks).
 */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\p{Cf}/gu, '').replace(/\s+/gu, ' ').trim();
}

export function certificateTexts(data: CertificateData, verifyUrl: string): CertificateTexts {
  const text = (field: string, value: string, bold = false): CertificateText => {
    const normalized = normalizeText(value);
    if (!normalized) throw new PermanentJobError(`the ${field} has no visible characters`);
    return { field, text: normalized, bold };
  };
  const location = data.eventLocation ? normalizeText(data.eventLocation) : '';
  return {
    attendeeName: text('attendee name', data.attendeeName, true),
    eventTitle: text('event title', data.eventTitle, true),
    eventDate: text('event date', formatEventDate(data.eventDate)),
    eventLocation: location ? text('event location', location) : null,
    serial: text('serial', data.serial),
    verificationCode: text('verification code', data.verificationCode),
    verifyUrl: text('verify URL', verifyUrl),
  };
}

function listTexts(texts: CertificateTexts): CertificateText[] {
  return Object.values(texts).filter((text): text is CertificateText => text !== null);
}

// Helvetica and Helvetica-Bold share the WinAnsi encoding; pdf-lib silently draws `?` for anything else.
let winAnsi: StandardFontEmbedder['encoding'] | undefined;
function canDrawWithHelvetica(codePoint: number): boolean {
  // pdf-lib's StandardFonts enum and the embedder's FontNames enum hold the same strings.
  winAnsi ??= StandardFontEmbedder.for(StandardFonts.Helvetica as unknown as Parameters<typeof StandardFontEmbedder.for>[0]).encoding;
  return winAnsi.canEncodeUnicodeCodePoint(codePoint);
}

/** `standard` when Helvetica can draw every character (it encodes WinAnsi only), else `unicode`. */
export function fontPathOf(texts: CertificateTexts): FontPath {
  for (const { text } of listTexts(texts)) {
    for (const character of text) {
      if (!canDrawWithHelvetica(character.codePointAt(0)!)) return 'unicode';
    }
  }
  return 'standard';
}

/** The font path `renderCertificatePdf` takes for this certificate (the verify URL is printed too). */
export function chooseFontPath(data: CertificateData, verifyUrl = ''): FontPath {
  return fontPathOf(certificateTexts(data, verifyUrl));
}

/** Throws `UnsupportedCharactersError` naming every character the (regular or bold) font has no glyph for. */
export function assertRenderable(
  texts: CertificateTexts,
  hasGlyph: (codePoint: number, bold: boolean) => boolean,
): void {
  const problems: UnsupportedCharacters[] = [];
  for (const { field, text, bold } of listTexts(texts)) {
    const missing = new Set<string>();
    for (const character of text) {
      if (!hasGlyph(character.codePointAt(0)!, bold)) missing.add(character);
    }
    if (missing.size > 0) problems.push({ field, characters: [...missing] });
  }
  if (problems.length > 0) throw new UnsupportedCharactersError(problems);
}
