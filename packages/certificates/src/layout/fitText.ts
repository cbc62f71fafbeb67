/** The one thing fitting needs from a font (pdf-lib's `PDFFont` has it). */
export interface MeasuringFont {
  widthOfTextAtSize(text: string, size: number): number;
}

export interface FitOptions {
  maxWidth: number;
  /** The size when the text fits on one line. */
  maxSize: number;
  /** Shrink a single line down to this size before wrapping to two lines. */
  minSize: number;
}

export interface FittedText {
  lines: string[];
  size: number;
}

// Sizes are rounded down to half points, so a fitted line never exceeds maxWidth.
const roundDown = (size: number): number => Math.floor(size * 2) / 2;

/**
 * Fits a text in `maxWidth`: one line at `maxSize`, else one line shrunk down to `minSize`,
 * else two lines at `minSize` (or smaller, when even that does not fit: a certificate is one page).
 */
export function fitText(text: string, font: MeasuringFont, options: FitOptions): FittedText {
  const { maxWidth, maxSize, minSize } = options;
  // Widths scale linearly with the size: measure once at 1 pt.
  const width = font.widthOfTextAtSize(text, 1);
  if (width * maxSize <= maxWidth) return { lines: [text], size: maxSize };
  const shrunk = roundDown(maxWidth / width);
  if (shrunk >= minSize) return { lines: [text], size: shrunk };

  const lines = splitInTwo(text, font);
  const widest = Math.max(...lines.map((line) => font.widthOfTextAtSize(line, 1)));
  return { lines, size: Math.min(minSize, roundDown(maxWidth / widest)) };
}

/** The most balanced split at a space or after a hyphen; at a character only when words are far too long. */
export function splitInTwo(text: string, font: MeasuringFont): [string, string] {
  const measure = (line: string) => font.widthOfTextAtSize(line, 1);
  let best: [string, string] | undefined;
  let bestWidth = Infinity;
  for (let index = 1; index < text.length - 1; index += 1) {
    const character = text[index];
    const split: [string, string] | undefined =
      character === ' '
        ? [text.slice(0, index).trimEnd(), text.slice(index + 1).trimStart()]
        : character === '-'
          ? [text.slice(0, index + 1).trimEnd(), text.slice(index + 1).trimStart()]
          : undefined;
    if (!split || !split[0] || !split[1]) continue;
    const widest = Math.max(measure(split[0]), measure(split[1]));
    if (widest < bestWidth) {
      best = split;
      bestWidth = widest;
    }
  }
  const byCharacter = splitAtCharacter(text, measure);
  const byCharacterWidth = Math.max(measure(byCharacter[0]), measure(byCharacter[1]));
  // A word break reads better; accept one up to a quarter wider than the most balanced cut.
  return best && bestWidth <= byCharacterWidth * 1.25 ? best : byCharacter;
}

/** Cuts between code points where the first line stops being the narrower one (binary search). */
function splitAtCharacter(text: string, measure: (line: string) => number): [string, string] {
  const characters = Array.from(text);
  let low = 1;
  let high = characters.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    const first = measure(characters.slice(0, middle).join(''));
    const second = measure(characters.slice(middle).join(''));
    if (first < second) low = middle + 1;
    else high = middle;
  }
  return [characters.slice(0, low).join(''), characters.slice(low).join('')];
}
