import { PermanentJobError } from '@tessera/queue';
import { describe, expect, it } from 'vitest';
import { certificatePayloadSchema, parseCertificatePayload } from '../src/index';
import { certificatePayload } from './support/certificates';

describe('certificate payload', () => {
  it('parses the payload request_certificate builds into camelCase certificate data', () => {
    expect(parseCertificatePayload(certificatePayload())).toEqual({
      certificateId: '7d8b4c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f',
      serial: 'TSR-2026-000042',
      verificationCode: 'K7Q2-9XMB',
      attendeeName: 'Ada Lovelace',
      eventTitle: 'Supabase Meetup Lisbon',
      eventDate: '2026-03-12',
      eventLocation: 'LX Factory, Lisbon',
    });
  });

  it('treats a missing, null or blank location as no location', () => {
    const { event_location: _omitted, ...withoutLocation } = certificatePayload();
    expect(parseCertificatePayload(withoutLocation).eventLocation).toBeNull();
    expect(parseCertificatePayload(certificatePayload({ event_location: null })).eventLocation).toBeNull();
    expect(parseCertificatePayload(certificatePayload({ event_location: '   ' })).eventLocation).toBeNull();
  });

  it('trims names and titles', () => {
    const data = parseCertificatePayload(certificatePayload({ attendee_name: '  Ada Lovelace ', event_title: ' Meetup ' }));
    expect(data).toMatchObject({ attendeeName: 'Ada Lovelace', eventTitle: 'Meetup' });
  });

  it.each([
    ['attendee_name', { attendee_name: '' }],
    ['attendee_name', { attendee_name: 'x'.repeat(201) }],
    ['event_title', { event_title: '   ' }],
    ['event_date', { event_date: '2026-02-30' }],
    ['event_date', { event_date: '12/03/2026' }],
    ['certificate_id', { certificate_id: 'not-a-uuid' }],
    ['serial', { serial: undefined }],
    ['verification_code', { verification_code: 42 as unknown as string }],
  ])('rejects a bad %s with a permanent error naming the field', (field, overrides) => {
    const payload = { ...certificatePayload(), ...overrides };
    expect(() => parseCertificatePayload(payload)).toThrow(PermanentJobError);
    expect(() => parseCertificatePayload(payload)).toThrow(new RegExp(`^invalid certificate payload: .*${field}`));
  });

  it('accepts names of exactly 200 characters', () => {
    expect(certificatePayloadSchema.safeParse(certificatePayload({ attendee_name: 'x'.repeat(200) })).success).toBe(true);
  });
});
