import type { QueueClient, Transport } from '@tessera/queue';
import { createContext, useContext } from 'react';

/** Who is signed in, and the transports that act as them (and as nobody, for public pages). */
export interface Session {
  userId: string;
  displayName: string;
  isAdmin: boolean;
  transport: Transport;
  client: QueueClient;
  signOut?: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside a signed-in area');
  return session;
}

/** The anonymous transport (public pages such as /verify), available in every mode. */
export const PublicTransportContext = createContext<Transport | null>(null);

export function usePublicTransport(): Transport {
  const transport = useContext(PublicTransportContext);
  if (!transport) throw new Error('usePublicTransport() outside the app');
  return transport;
}
