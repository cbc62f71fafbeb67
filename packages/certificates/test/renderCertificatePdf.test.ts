import { PermanentJobError } from '@tessera/queue';
import { create as createQrCode } from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  type CertificateData,
  type CertificateFonts,
  chooseFontPath,
  type FontPath,
  renderCertificatePdf,
  UnsupportedCharactersError,
} from '../src/index';
import { certificateData, fonts, verifyUrlFor } from './support/certificates';
import { drawnQrCode, embeddedFonts, loadPdf, textLines } from './support/pdf';

const LANDSCAPE_A4 = { width: 841.89, height: 595.28 };

async function render(data: CertificateData, renderFonts: CertificateFonts = fonts) {
  const paths: FontPath[] = [];
  const verifyUrl = verifyUrlFor(data.serial);
  const bytes = await renderCertificatePdf(data, {
    verifyUrl,
    fonts: renderFonts,
    creationDate: new Date('2026-03-13T09:30:00Z'),
    onFontPath: (path) => paths.push(path),
  });
  return { bytes, pdf: await loadPdf(bytes), fontPath: paths[0], verifyUrl };
}

/** Fonts that must never be needed: the standard path may not even load them. */
const unusedFonts: CertificateFonts = {
  load: () => Promise.reject(new Error('the standard font path loaded the Unicode font')),
};

describe('renderCertificatePdf', () => {
  it('renders a one-page landscape A4 certificate with its text and metadata', async () => {
    const { bytes, pdf } = await render(certificateData());
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    expect(pdf.getPageCount()).toBe(1);
    const size = pdf.getPage(0).getSize();
    expect(size.width).toBeCloseTo(LANDSCAPE_A4.width, 2);
    expect(size.height).toBeCloseTo(LANDSCAPE_A4.height, 2);

    expect(textLines(pdf).map((line) => line.text)).toEqual([
      'CERTIFICATE OF ATTENDANCE',
      'This certifies that',
      'Ada Lovelace',
      'attended',
      'Supabase Meetup Lisbon',
      'on 12 March 2026',
      'LX Factory, Lisbon',
      'SERIAL NUMBER',
      'TSR-2026-000042',
      'VERIFICATION CODE',
      'K7Q2-9XMB',
      'Scan to verify',
      'https://tessera.example/verify/TSR-2026-000042',
    ]);

    expect(pdf.getTitle()).toBe('Certificate of Attendance – Supabase Meetup Lisbon');
    expect(pdf.getSubject()).toBe('Ada Lovelace attended Supabase Meetup Lisbon on 12 March 2026');
    expect(pdf.getKeywords()).toBe('certificate TSR-2026-000042');
    expect(pdf.getCreator()).toBe('Tessera');
    expect(pdf.getCreationDate()?.toISOString()).toBe('2026-03-13T09:30:00.000Z');
  });

  it('leaves out the location line when there is none', async () => {
    const { pdf } = await render(certificateData({ eventLocation: null }));
    const texts = textLines(pdf).map((line) => line.text);
    expect(texts).toContain('on 12 March 2026');
    expect(texts).not.toContain('LX Factory, Lisbon');
  });

  it.each(['Ada Lovelace', 'Zoë Brontë', 'François Œuvre-Ångström'])(
    'draws %s with Helvetica, embedding no font and never loading the Unicode one',
    async (attendeeName) => {
      const data = certificateData({ attendeeName });
      expect(chooseFontPath(data, verifyUrlFor(data.serial))).toBe('standard');
      const { pdf, fontPath } = await render(data, unusedFonts);
      expect(fontPath).toBe('standard');
      expect(embeddedFonts(pdf)).toEqual([
        { baseFont: 'Helvetica', subtype: 'Type1', fontFileBytes: null },
        { baseFont: 'Helvetica-Bold', subtype: 'Type1', fontFileBytes: null },
      ]);
      expect(textLines(pdf).map((line) => line.text)).toContain(attendeeName);
    },
  );

  it('composes decomposed accents first, so they stay on the standard path', async () => {
    const data = certificateData({ attendeeName: 'Zoe\u0308 Bronte\u0308' });
    expect(chooseFontPath(data, verifyUrlFor(data.serial))).toBe('standard');
    const { pdf } = await render(data, unusedFonts);
    expect(textLines(pdf).map((line) => line.text)).toContain('Zoë Brontë');
  });

  it('drops invisible format characters instead of drawing them', async () => {
    const data = certificateData({ attendeeName: 'Ada\u00ADLove\u200Blace\u200E' });
    expect(chooseFontPath(data, verifyUrlFor(data.serial))).toBe('standard');
    const { pdf } = await render(data, unusedFonts);
    expect(textLines(pdf).map((line) => line.text)).toContain('AdaLovelace');
  });

  it('refuses a name made only of invisible characters', async () => {
    await expect(render(certificateData({ attendeeName: '\u200B\u200B' }))).rejects.toThrow(
      new PermanentJobError('the attendee name has no visible characters'),
    );
  });

  it.each([
    ['Latin Extended', 'Zoë Łukasiewicz-Ñúñez'],
    ['Greek', 'Ἀθηνᾶ Παπαδοπούλου'],
    ['Cyrillic', 'Дмитрий Шостакович'],
  ])('draws a %s name with embedded DejaVu Sans subsets', async (_script, attendeeName) => {
    const data = certificateData({ attendeeName });
    expect(chooseFontPath(data, verifyUrlFor(data.serial))).toBe('unicode');
    const { pdf, fontPath } = await render(data);
    expect(fontPath).toBe('unicode');

    const embedded = embeddedFonts(pdf);
    expect(embedded.map((font) => [font.subtype, font.baseFont.replace(/-\d+$/, '')])).toEqual([
      ['Type0', 'DejaVuSans'],
      ['Type0', 'DejaVuSans-Bold'],
    ]);
    for (const font of embedded) {
      // A subset: the used glyphs only, a small fraction of the 700 KB fonts.
      expect(font.fontFileBytes).toBeGreaterThan(1_000);
      expect(font.fontFileBytes).toBeLessThan(80_000);
    }
    // Text extracted through the fonts' ToUnicode maps, as a PDF reader would.
    const lines = textLines(pdf);
    expect(lines.map((line) => line.text)).toContain(attendeeName);
    expect(lines.find((line) => line.text === attendeeName)?.fontFamily).toMatch(/^DejaVuSans-Bold/);
  });

  it('takes the Unicode path when any text needs it, not only the name', async () => {
    const data = certificateData({ eventLocation: 'Київ' });
    expect(chooseFontPath(data, verifyUrlFor(data.serial))).toBe('unicode');
    const { pdf } = await render(data);
    expect(textLines(pdf).map((line) => line.text)).toEqual(expect.arrayContaining(['Ada Lovelace', 'Київ']));
  });

  it('refuses characters no certificate font can draw, naming each once', async () => {
    const data = certificateData({ attendeeName: '李 🎓 Lovelace 李' });
    const error = await render(data).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnsupportedCharactersError);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as Error).message).toBe('the certificate font cannot render these characters of the attendee name: 李, 🎓');
    expect((error as UnsupportedCharactersError).problems).toEqual([{ field: 'attendee name', characters: ['李', '🎓'] }]);
  });

  it('names every text with unsupported characters, and shows invisible ones as code points', async () => {
    const data = certificateData({ attendeeName: 'Ada\u0001', eventTitle: 'Meetup 東京' });
    await expect(render(data)).rejects.toThrow(
      'the certificate font cannot render these characters of the attendee name: U+0001; of the event title: 東, 京',
    );
  });

  it('draws the QR code of the verify URL as vector modules (error correction M)', async () => {
    const { pdf, verifyUrl } = await render(certificateData());
    const expected = createQrCode(verifyUrl, { errorCorrectionLevel: 'M' }).modules;
    const drawn = drawnQrCode(pdf);
    expect(drawn.dark).toHaveLength(expected.size);
    const mismatches = drawn.dark.flatMap((cells, row) =>
      cells.flatMap((dark, column) => (dark === (expected.get(row, column) === 1) ? [] : [[row, column]])),
    );
    expect(mismatches).toEqual([]);
    // Placed on the page, with a quiet zone of at least four modules to the page border.
    const side = drawn.moduleSize * expected.size;
    expect(side).toBeGreaterThan(90);
    expect(drawn.x).toBeGreaterThan(4 * drawn.moduleSize);
    expect(drawn.y).toBeGreaterThan(4 * drawn.moduleSize);
    expect(drawn.x + side).toBeLessThan(LANDSCAPE_A4.width - 4 * drawn.moduleSize);
  });

  it.each([
    ['a 200-character name of many words', { attendeeName: 'Maria Magdalena Alexandrina '.repeat(8).slice(0, 200) }],
    ['a 200-character name without spaces', { attendeeName: 'W'.repeat(200) }],
    ['a 200-character Cyrillic title', { eventTitle: 'Международная конференция '.repeat(8).slice(0, 200) }],
    ['long texts everywhere', { attendeeName: 'Ἀθηνᾶ Παπαδοπούλου '.repeat(10).trim(), eventTitle: 'T'.repeat(200), eventLocation: 'L '.repeat(100).trim() }],
  ])('fits %s on the one page', async (_case, overrides) => {
    const data = certificateData(overrides);
    const { pdf, verifyUrl } = await render(data);
    expect(pdf.getPageCount()).toBe(1);
    const lines = textLines(pdf);
    // Centred lines start right of the frame, so they also end left of it.
    for (const line of lines) {
      expect(line.x).toBeGreaterThanOrEqual(40);
      expect(line.y).toBeGreaterThan(40);
      expect(line.y).toBeLessThan(LANDSCAPE_A4.height - 60);
    }
    // The main block (all but the footer) has no overlapping lines and stays clear of the QR code.
    const footer = ['SERIAL NUMBER', data.serial, 'VERIFICATION CODE', data.verificationCode, 'Scan to verify', verifyUrl];
    const block = lines.filter((line) => !footer.includes(line.text)).sort((a, b) => b.y - a.y);
    expect(block.length).toBeGreaterThanOrEqual(7);
    for (let index = 1; index < block.length; index += 1) {
      expect(block[index - 1]!.y - block[index]!.y).toBeGreaterThanOrEqual(block[index]!.fontSize);
    }
    const qr = drawnQrCode(pdf);
    expect(Math.min(...block.map((line) => line.y))).toBeGreaterThan(qr.y + qr.moduleSize * qr.dark.length + 20);
    expect(lines.map((line) => line.text).join(' ')).toContain(data.attendeeName.slice(0, 20));
  });
});
