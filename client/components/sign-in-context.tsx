/**
 * Who is signed in, for every part of the page: `useSession().can('planner', cityId)` tells a panel
 * whether to show its edit and save controls (the server checks again: 401/403). Loaded once from
 * GET /api/auth/me; sign-in and sign-out update it. With sign-in off (tests written before it),
 * everything may be used.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Static } from 'typebox';
import type { RoleSchema } from '../../server/contract/auth.ts';
import { fetchSession, type SessionInfo } from '../api/auth-api.ts';

export type Role = Static<typeof RoleSchema>;
const RANK: Record<Role, number> = { viewer: 0, planner: 1, admin: 2 };

export interface SessionState {
  session: SessionInfo | null;
  setSession: (s: SessionInfo) => void;
  /** Whether the signed-in person may do what needs `role` (in `city`, for a city-scoped account). */
  can: (role: Role, city?: string | null) => boolean;
}

const SessionContext = createContext<SessionState>({ session: null, setSession: () => {}, can: () => false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchSession(ac.signal).then(setSession, () => { /* server down: the map's error banner says so */ });
    return () => ac.abort();
  }, []);
  const value = useMemo<SessionState>(() => ({
    session,
    setSession,
    can: (role, city) => {
      if (session?.mode === 'off') return true;
      const user = session?.user;
      if (!user || RANK[user.role] < RANK[role]) return false;
      return !user.dataset || !city || user.dataset === city;
    },
  }), [session]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
