import { UnsupportedCharactersError, type UnsupportedCharacters } from '../errors';
import type { CertificateData } from '../payload';

/** Main thread → render worker. */
export interface RenderRequest {
  id: number;
  data: CertificateData;
  verifyUrl: string;
}

/** An error as it crosses `postMessage` (class identity is lost; the name and problems are not). */
export interface SerializedRenderError {
  name: string;
  message: string;
  problems?: UnsupportedCharacters[];
}

/** Render worker → main thread: the PDF (its buffer transferred) or the error. */
export type RenderResponse = { id: number; pdf: Uint8Array } | { id: number; error: SerializedRenderError };

export function serializeRenderError(error: unknown): SerializedRenderError {
  if (error instanceof UnsupportedCharactersError) {
    return { name: error.name, message: error.message, problems: error.problems };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds the error on the main thread: an `UnsupportedCharactersError` stays one (a permanent job failure). */
export function deserializeRenderError(error: SerializedRenderError): Error {
  if (error.name === 'UnsupportedCharactersError' && error.problems) return new UnsupportedCharactersError(error.problems);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
