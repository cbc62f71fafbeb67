import { TesseraProvider, useJobWorker } from '@tessera/queue-react';
import { useMemo, type ReactNode } from 'react';
import { BrowserRouter, NavLink, Navigate, Outlet, Route, Routes } from 'react-router';
import { AdminPage } from './admin/AdminPage';
import type { BackendView } from './backend';
import { CompletionToasts } from './components/CompletionToasts';
import { WorkerBadge } from './components/WorkerBadge';
import { readConfig } from './config';
import { EmbeddedBackend } from './EmbeddedBackend';
import { DownloadPage } from './pages/DownloadPage';
import { MyCertificatesPage } from './pages/MyCertificatesPage';
import { MyEventsPage } from './pages/MyEventsPage';
import { MyJobsPage } from './pages/MyJobsPage';
import { VerifyPage } from './pages/VerifyPage';
import { browserProcessors } from './processors';
import { SessionContext, useSession } from './session/Session';
import { SupabaseBackend } from './SupabaseBackend';

const config = readConfig();

export function App() {
  const Backend = config.mode === 'embedded' ? EmbeddedBackend : SupabaseBackend;
  return (
    <BrowserRouter>
      <Backend config={config}>{(view) => <AppRoutes view={view} />}</Backend>
    </BrowserRouter>
  );
}

function AppRoutes({ view }: { view: BackendView }) {
  return (
    <Routes>
      <Route path="/verify/:serial?" element={<Frame view={view}><VerifyPage /></Frame>} />
      <Route path="/download/:token" element={<Frame view={view}><DownloadPage /></Frame>} />
      <Route
        element={
          view.session ? (
            <SessionContext.Provider value={view.session}>
              <TesseraProvider key={view.session.userId} client={view.session.client} userId={view.session.userId}>
                <Frame view={view}>
                  <SignedInArea />
                </Frame>
              </TesseraProvider>
            </SessionContext.Provider>
          ) : (
            <Frame view={view}>{view.signIn}</Frame>
          )
        }
      >
        <Route index element={<MyEventsPage />} />
        <Route path="jobs" element={<MyJobsPage />} />
        <Route path="certificates" element={<MyCertificatesPage />} />
        <Route path="admin" element={<AdminPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}

/** The signed-in pages and this tab's job worker. */
function SignedInArea() {
  const session = useSession();
  const processors = useMemo(() => browserProcessors(session.transport, config.publicAppUrl), [session.transport]);
  // The browser worker. Tune it here: it polls every intervalMs only while no push channel
  // (Realtime, or LISTEN in the embedded mode) is connected, and only in the leader tab.
  // leaseSeconds: VITE_TESSERA_WORKER_LEASE_SECONDS, else the hook's default (60 s).
  const worker = useJobWorker({
    enabled: true,
    intervalMs: 10_000,
    concurrency: 2,
    leaseSeconds: config.workerLeaseSeconds,
    processors,
  });
  return (
    <>
      <WorkerBadge worker={worker} />
      <CompletionToasts />
      <Outlet />
    </>
  );
}

function Frame({ view, children }: { view: BackendView; children: ReactNode }) {
  return (
    <main>
      <header>
        <div className="brand">
          <h1>Tessera</h1>
          <span className="muted">certificates · {view.modeLabel}</span>
        </div>
        {view.session && (
          <nav>
            <NavLink to="/" end>
              My events
            </NavLink>
            <NavLink to="/jobs">My jobs</NavLink>
            <NavLink to="/certificates">My certificates</NavLink>
            {view.session.isAdmin && <NavLink to="/admin">Admin</NavLink>}
          </nav>
        )}
        {view.accountControl}
      </header>
      {children}
    </main>
  );
}
