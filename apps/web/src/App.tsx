import type { PGlite } from '@electric-sql/pglite';
import { useEffect, useState } from 'react';
import { openEmbeddedDatabase } from './embedded/database';
import { DEMO_USERS, type DemoUser } from './embedded/users';
import { Workspace } from './Workspace';

export function App() {
  const [db, setDb] = useState<PGlite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [user, setUser] = useState<DemoUser>(DEMO_USERS[0]!);

  useEffect(() => {
    openEmbeddedDatabase().then(setDb, (reason: unknown) => setError(String(reason)));
  }, []);

  return (
    <main>
      <header>
        <h1>Tessera</h1>
        <p className="muted">Embedded mode: the job queue runs in PGlite inside this browser tab (IndexedDB).</p>
        <label>
          Signed in as{' '}
          <select
            value={user.id}
            onChange={(event) => setUser(DEMO_USERS.find((candidate) => candidate.id === event.target.value)!)}
          >
            {DEMO_USERS.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name} ({candidate.role})
              </option>
            ))}
          </select>
        </label>
      </header>
      {error && <p role="alert">Could not start the local database: {error}</p>}
      {!db && !error && <p aria-busy="true">Starting the local database… (the first start takes a few seconds)</p>}
      {db && <Workspace key={user.id} db={db} user={user} />}
    </main>
  );
}
