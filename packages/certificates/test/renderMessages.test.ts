import { PermanentJobError } from '@tessera/queue';
import { describe, expect, it } from 'vitest';
import { deserializeRenderError, type RenderResponse, serializeRenderError } from '../src/browser/renderMessages';
import { UnsupportedCharactersError } from '../src/index';

/** What crossing postMessage does to a message: a structured clone. */
const acrossThreads = <T>(message: T): T => structuredClone(message);

describe('render worker messages', () => {
  it('keeps an UnsupportedCharactersError a permanent, identifiable error across threads', () => {
    const original = new UnsupportedCharactersError([{ field: 'attendee name', characters: ['李', '🎓'] }]);
    const response: RenderResponse = acrossThreads({ id: 3, error: serializeRenderError(original) });
    if (!('error' in response)) throw new Error('expected an error response');
    const rebuilt = deserializeRenderError(response.error);
    expect(rebuilt).toBeInstanceOf(UnsupportedCharactersError);
    expect(rebuilt).toBeInstanceOf(PermanentJobError);
    expect(rebuilt.name).toBe('UnsupportedCharactersError');
    expect(rebuilt.message).toBe(original.message);
    expect((rebuilt as UnsupportedCharactersError).problems).toEqual(original.problems);
  });

  it('keeps the name and message of any other error, as a retryable Error', () => {
    const rebuilt = deserializeRenderError(acrossThreads(serializeRenderError(new TypeError('bad font'))));
    expect(rebuilt).not.toBeInstanceOf(PermanentJobError);
    expect([rebuilt.name, rebuilt.message]).toEqual(['TypeError', 'bad font']);
    expect(deserializeRenderError(serializeRenderError('thrown string')).message).toBe('thrown string');
  });
});
