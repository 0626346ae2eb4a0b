/**
 * My account (我的账户), for everyone signed in: change one's password (the server ends one's other
 * sessions) and manage one's API tokens for scripts: create one (shown once, only its hash is kept),
 * see when each was last used, revoke it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { changePassword, createToken, fetchSession, fetchTokens, revokeToken, type ApiToken } from '../api/auth-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import { useSession } from './sign-in-context.tsx';

const dialogStyle = {
  position: 'fixed', inset: '60px 15% auto 15%', maxHeight: '80vh', overflow: 'auto', zIndex: 30, background: '#fff',
  color: '#1b2733', borderRadius: 8, boxShadow: '0 4px 24px rgba(0,0,0,0.35)', padding: 16,
} as const;
const cell = { borderBottom: '1px solid #e3e8ee', padding: '4px 6px', textAlign: 'left', fontSize: 12 } as const;

export function AccountPanel({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { setSession } = useSession();
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [name, setName] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [pw, setPw] = useState({ current: '', next: '' });
  const [message, setMessage] = useState<string | null>(null);
  const fail = (err: unknown) => setMessage(t('people.error', { message: (err as Error).message }));

  useEffect(() => { fetchTokens().then(setTokens, fail); }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { token, ...row } = await createToken(name);
      setShown(token);
      setTokens((list) => [...list, row]);
      setName('');
    } catch (err) {
      fail(err);
    }
  };
  const revoke = async (id: number) => {
    try {
      const row = await revokeToken(id);
      setTokens((list) => list.map((x) => (x.id === id ? row : x)));
    } catch (err) {
      fail(err);
    }
  };
  const password = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await changePassword(pw.current, pw.next);
      setPw({ current: '', next: '' });
      setSession(await fetchSession()); // the session got a new id and CSRF token
      setMessage(t('account.passwordChanged'));
    } catch (err) {
      fail(err);
    }
  };

  return (
    <div role="dialog" aria-modal="true" aria-label={t('account.title')} style={dialogStyle} data-testid="account-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 style={{ fontSize: 16, margin: 0 }}>{t('account.title')}</h2>
        <button type="button" onClick={onClose} data-testid="account-close">{t('audit.close')}</button>
      </div>
      {message && <div role="status" style={{ margin: '8px 0' }} data-testid="account-message">{message}</div>}
      <h3 style={{ fontSize: 14 }}>{t('account.tokens')}</h3>
      <table style={{ borderCollapse: 'collapse', width: '100%' }} data-testid="token-table">
        <tbody>
          {tokens.map((k) => (
            <tr key={k.id} data-testid="token-row">
              <td style={cell}>{k.name}</td>
              <td style={cell}><code>{k.prefix}…</code></td>
              <td style={cell}>{t('account.lastUsed')}: {k.lastUsedAt ?? t('account.never')}</td>
              <td style={cell}>
                {k.revokedAt ? t('account.revoked') : <button type="button" onClick={() => void revoke(k.id)} data-testid="token-revoke">{t('account.revoke')}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && <p style={{ fontSize: 12 }}>{t('account.tokenOnce')} <code data-testid="token-shown">{shown}</code></p>}
      <form onSubmit={create} style={{ display: 'flex', gap: 8, alignItems: 'end', margin: '8px 0' }}>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('account.tokenName')}<input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" /></label>
        <button type="submit" data-testid="token-create">{t('account.createToken')}</button>
      </form>
      <h3 style={{ fontSize: 14 }}>{t('account.password')}</h3>
      <form onSubmit={password} style={{ display: 'flex', gap: 8, alignItems: 'end' }}>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('account.currentPassword')}<input type="password" autoComplete="current-password" required value={pw.current} onChange={(e) => setPw({ ...pw, current: e.target.value })} /></label>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('account.newPassword')}<input type="password" autoComplete="new-password" required minLength={10} value={pw.next} onChange={(e) => setPw({ ...pw, next: e.target.value })} /></label>
        <button type="submit">{t('account.changePassword')}</button>
      </form>
    </div>
  );
}
