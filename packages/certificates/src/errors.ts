import { PermanentJobError } from '@tessera/queue';

/** One text of the certificate and the characters of it that no certificate font can draw. */
export interface UnsupportedCharacters {
  /** A human name of the text: `attendee name`, `event title`, ... */
  field: string;
  /** Each unsupported character once, in order of first appearance. */
  characters: string[];
}

/** Shows a character readably in a message: itself, or `U+XXXX` when it is invisible. */
function showCharacter(character: string): string {
  if (/^[\p{C}\p{Z}]$/u.test(character)) {
    return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return character;
}

/**
 * The certificate font has no glyph for some characters: drawing would give a PDF with boxes or `?`,
 * and retrying cannot help, so the job fails permanently with the characters named.
 */
export class UnsupportedCharactersError extends PermanentJobError {
  readonly problems: UnsupportedCharacters[];

  constructor(problems: UnsupportedCharacters[]) {
    const parts = problems.map((p) => `of the ${p.field}: ${p.characters.map(showCharacter).join(', ')}`);
    super(`the certificate font cannot render these characters ${parts.join('; ')}`);
    this.name = 'UnsupportedCharactersError';
    this.problems = problems;
  }
}
