import type { ReactNode } from 'react';
import type { AppConfig } from './config';
import type { Session } from './session/Session';

/** What a backend (embedded PGlite or Supabase) hands the app: who is signed in, and its controls. */
export interface BackendView {
  session: Session | null;
  accountControl: ReactNode;
  modeLabel: string;
  signIn?: ReactNode;
}

export interface BackendProps {
  config: AppConfig;
  children: (view: BackendView) => ReactNode;
}
