/**
 * People (用户管理) for admins, as a dialog opened from the account menu: everyone who may sign in
 * with role, city scope and status; change a role or city, disable or enable; add a person with a
 * first password. The server checks the admin role again and keeps the last admin.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { addUser, changeUser, fetchUsers, type User, type UserPatch } from '../api/auth-api.ts';
import { useI18n } from '../i18n/i18n-context.tsx';
import type { Role } from './sign-in-context.tsx';

const ROLES: Role[] = ['viewer', 'planner', 'admin'];
const dialogStyle = {
  position: 'fixed', inset: '60px 10% auto 10%', maxHeight: '80vh', overflow: 'auto', zIndex: 30, background: '#fff',
  color: '#1b2733', borderRadius: 8, boxShadow: '0 4px 24px rgba(0,0,0,0.35)', padding: 16,
} as const;
const cell = { borderBottom: '1px solid #e3e8ee', padding: '4px 6px', textAlign: 'left', fontSize: 12 } as const;

export function PeoplePanel({ cities, onClose }: { cities: { id: string; name: string }[]; onClose: () => void }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [draft, setDraft] = useState({ username: '', displayName: '', role: 'viewer' as Role, dataset: '', password: '' });

  const reload = () => fetchUsers().then(setUsers, (err: Error) => setMessage(t('people.error', { message: err.message })));
  useEffect(() => { void reload(); }, []);

  const change = async (u: User, c: UserPatch) => {
    try {
      const updated = await changeUser(u.id, c);
      setUsers((list) => list.map((x) => (x.id === u.id ? updated : x)));
      setMessage(t('people.saved'));
    } catch (err) {
      setMessage(t('people.error', { message: (err as Error).message }));
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await addUser({ username: draft.username, displayName: draft.displayName, role: draft.role, dataset: draft.dataset || null, password: draft.password });
      setDraft({ username: '', displayName: '', role: 'viewer', dataset: '', password: '' });
      setMessage(t('people.saved'));
      await reload();
    } catch (err) {
      setMessage(t('people.error', { message: (err as Error).message }));
    }
  };
  const citySelect = (value: string, onChange: (v: string) => void, testId: string) => (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{t('people.allCities')}</option>
      {cities.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
    </select>
  );

  return (
    <div role="dialog" aria-modal="true" aria-label={t('people.title')} style={dialogStyle} data-testid="people-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <h2 style={{ fontSize: 16, margin: 0 }}>{t('people.title')}</h2>
        <button type="button" onClick={onClose} data-testid="people-close">{t('audit.close')}</button>
      </div>
      {message && <div role="status" style={{ margin: '8px 0' }} data-testid="people-message">{message}</div>}
      <table style={{ borderCollapse: 'collapse', width: '100%', margin: '8px 0' }} data-testid="people-table">
        <thead>
          <tr>{[t('auth.username'), t('people.displayName'), t('people.role'), t('people.city'), t('people.status'), ''].map((h, i) => <th key={i} style={cell}>{h}</th>)}</tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="people-row">
              <td style={cell}>{u.username}</td>
              <td style={cell}>{u.displayName}</td>
              <td style={cell}>
                <select value={u.role} onChange={(e) => void change(u, { role: e.target.value as Role })} data-testid="people-role">
                  {ROLES.map((r) => <option key={r} value={r}>{t(`auth.role.${r}`)}</option>)}
                </select>
              </td>
              <td style={cell}>{citySelect(u.dataset ?? '', (v) => void change(u, { dataset: v || null }), 'people-city')}</td>
              <td style={cell}>{u.disabled ? t('people.disabled') : t('people.active')}</td>
              <td style={cell}>
                <button type="button" onClick={() => void change(u, { disabled: !u.disabled })}>{u.disabled ? t('people.enable') : t('people.disable')}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={add} style={{ display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'end' }} aria-label={t('people.add')}>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('auth.username')}<input required value={draft.username} onChange={(e) => setDraft({ ...draft, username: e.target.value })} data-testid="people-new-username" /></label>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('people.displayName')}<input value={draft.displayName} onChange={(e) => setDraft({ ...draft, displayName: e.target.value })} /></label>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('people.role')}
          <select value={draft.role} onChange={(e) => setDraft({ ...draft, role: e.target.value as Role })} data-testid="people-new-role">
            {ROLES.map((r) => <option key={r} value={r}>{t(`auth.role.${r}`)}</option>)}
          </select>
        </label>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('people.city')}{citySelect(draft.dataset, (v) => setDraft({ ...draft, dataset: v }), 'people-new-city')}</label>
        <label style={{ display: 'grid', fontSize: 12 }}>{t('auth.password')}<input type="password" autoComplete="new-password" required value={draft.password} onChange={(e) => setDraft({ ...draft, password: e.target.value })} data-testid="people-new-password" /></label>
        <button type="submit" data-testid="people-add">{t('people.add')}</button>
      </form>
    </div>
  );
}
