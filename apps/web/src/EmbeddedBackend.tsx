import type { PGlite } from '@electric-sql/pglite';
import { QueueClient } from '@tessera/queue';
import { PGliteTransport } from '@tessera/queue/pglite';
import { useEffect, useMemo, useState } from 'react';
import { openEmbeddedDatabase } from './embedded/database';
import { acquireDatabaseOwnership } from './embedded/databaseOwnership';
import { claimsFor, DEMO_USERS, type DemoUser } from './embedded/users';
import { PublicTransportContext, type Session } from './session/Session';
import type { BackendProps } from './backend';

/** Embedded default: the whole backend is PGlite in this browser; a switcher stands in for sign-in. */
export function EmbeddedBackend({ children }: BackendProps) {
  const [db, setDb] = useState<PGlite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [waitingForOtherTab, setWaitingForOtherTab] = useState(false);
  const [user, setUser] = useState<DemoUser>(() => {
    const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('tessera:user') : null;
    return DEMO_USERS.find((candidate) => candidate.id === saved) ?? DEMO_USERS[0]!;
  });

  useEffect(() => {
    acquireDatabaseOwnership(() => setWaitingForOtherTab(true))
      .then(() => {
        setWaitingForOtherTab(false);
        return openEmbeddedDatabase();
      })
      .then(setDb, (reason: unknown) => setError(String(reason)));
  }, []);

  const session = useMemo<Session | null>(() => {
    if (!db) return null;
    const transport = new PGliteTransport(db, { claims: claimsFor(user) });
    return {
      userId: user.id,
      displayName: user.name,
      isAdmin: user.role === 'admin',
      transport,
      client: new QueueClient(transport),
    };
  }, [db, user]);
  const publicTransport = useMemo(() => (db ? new PGliteTransport(db, { claims: { role: 'anon' } }) : null), [db]);

  const switcher = (
    <label className="switcher">
      Signed in as{' '}
      <select
        value={user.id}
        onChange={(event) => {
          const next = DEMO_USERS.find((candidate) => candidate.id === event.target.value)!;
          localStorage.setItem('tessera:user', next.id);
          setUser(next);
        }}
      >
        {DEMO_USERS.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name} ({candidate.role})
          </option>
        ))}
      </select>
    </label>
  );

  if (error) return <p role="alert">Could not start the local database: {error}</p>;
  if (waitingForOtherTab) {
    return (
      <p role="status" data-testid="database-busy">
        Tessera is open in another tab of this browser. The embedded database works in one tab at a time: this
        tab takes over as soon as the other one is closed.
      </p>
    );
  }
  if (!session || !publicTransport) {
    return <p aria-busy="true">Starting the local database… (the first start takes a few seconds)</p>;
  }
  return (
    <PublicTransportContext.Provider value={publicTransport}>
      {children({ session, accountControl: switcher, modeLabel: 'embedded: PGlite in this browser' })}
    </PublicTransportContext.Provider>
  );
}
