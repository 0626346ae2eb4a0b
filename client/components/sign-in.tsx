/**
 * Sign-in in the top bar: "登录" opens a small form; signed in, the person's name and role, the
 * account (password, API tokens), the audit trail (planners and admins), people (admins) and
 * sign-out. The session lives in an HttpOnly cookie the page
 * cannot read; the CSRF token for writes is handed to client/api/http.ts by auth-api.ts.
 */
import { useState, type FormEvent } from 'react';
import { fetchSession, signIn, signOut } from '../api/auth-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { AuditPanel } from '../panels/audit/audit-panel.tsx';
import { AccountPanel } from './sign-in-account.tsx';
import { PeoplePanel } from './sign-in-people.tsx';
import { useSession } from './sign-in-context.tsx';

const menuStyle = { display: 'flex', alignItems: 'center', gap: 8, fontSize: 13 } as const;
const popoverStyle = {
  position: 'absolute', top: 44, right: 12, zIndex: 20, background: '#fff', color: '#1b2733', padding: 12,
  borderRadius: 6, boxShadow: '0 2px 10px rgba(0,0,0,0.25)', display: 'grid', gap: 8, minWidth: 220,
} as const;

/** `cities`: for the city scope of an account in the people dialog (admins). */
export function SignIn({ cities = [] }: { cities?: { id: string; name: string }[] }) {
  const { t } = useI18n();
  const { session, setSession: update } = useSession();
  const [open, setOpen] = useState(false);
  const [audit, setAudit] = useState(false);
  const [people, setPeople] = useState(false);
  const [account, setAccount] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      update(await signIn(username, password));
      setOpen(false);
      setPassword('');
    } catch (err) {
      setError(t('auth.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };

  const user = session?.user ?? null;
  if (session?.mode === 'off') return null;
  if (!user) {
    return (
      <div style={menuStyle} data-testid="sign-in">
        <button type="button" className="lang-switch" title={t('auth.readOnly')} data-testid="sign-in-open" onClick={() => setOpen((o) => !o)}>
          {t('auth.signIn')}
        </button>
        {open && (
          <form style={popoverStyle} onSubmit={submit} data-testid="sign-in-form" aria-label={t('auth.signIn')}>
            <label>
              {t('auth.username')}
              <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} data-testid="sign-in-username" />
            </label>
            <label>
              {t('auth.password')}
              <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} data-testid="sign-in-password" />
            </label>
            {error && <div role="alert" style={{ color: '#a01818' }} data-testid="sign-in-error">{error}</div>}
            <div style={{ display: 'flex', gap: 8 }}>
              <button type="submit" disabled={busy} data-testid="sign-in-submit">{busy ? t('auth.submitting') : t('auth.submit')}</button>
              <button type="button" onClick={() => setOpen(false)}>{t('auth.cancel')}</button>
            </div>
          </form>
        )}
      </div>
    );
  }
  return (
    <div style={menuStyle} data-testid="signed-in" aria-label={t('auth.menu')}>
      <span data-testid="signed-in-user">
        {t('auth.signedInAs', { name: user.displayName || user.username, role: t(`auth.role.${user.role}`) })}
        {user.dataset && ` · ${t('auth.cityScope', { city: user.dataset })}`}
      </span>
      <button type="button" className="lang-switch" data-testid="account-open" onClick={() => setAccount(true)}>{t('account.open')}</button>
      {user.role !== 'viewer' && (
        <button type="button" className="lang-switch" data-testid="audit-open" onClick={() => setAudit(true)}>{t('audit.open')}</button>
      )}
      {user.role === 'admin' && (
        <button type="button" className="lang-switch" data-testid="people-open" onClick={() => setPeople(true)}>{t('people.open')}</button>
      )}
      <button type="button" className="lang-switch" data-testid="sign-out" onClick={() => {
        void signOut().then(() => fetchSession()).then(update);
      }}>
        {t('auth.signOut')}
      </button>
      {audit && <AuditPanel onClose={() => setAudit(false)} />}
      {people && <PeoplePanel cities={cities} onClose={() => setPeople(false)} />}
      {account && <AccountPanel onClose={() => setAccount(false)} />}
    </div>
  );
}
