import type { JwtClaims } from '@tessera/queue';

/** The embedded mode's local "sign-in": fixed demo identities, impersonated with JWT claims. */
export interface DemoUser {
  id: string;
  name: string;
  role: 'attendee' | 'admin';
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: '00000000-0000-4000-8000-00000000a7a1', name: 'Ada Lovelace', role: 'attendee' },
  { id: '00000000-0000-4000-8000-00000000b0b1', name: 'Борис Пастернак', role: 'attendee' },
  { id: '00000000-0000-4000-8000-0000000ad001', name: 'Queue admin', role: 'admin' },
];

export function claimsFor(user: DemoUser): JwtClaims {
  return {
    sub: user.id,
    role: 'authenticated',
    ...(user.role === 'admin' ? { app_metadata: { role: 'admin' } } : {}),
  };
}
