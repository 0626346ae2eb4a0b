/**
 * Tabs of the side panel (图层 / 绿地覆盖 / 生活圈), following the WAI-ARIA tabs pattern: one tab in
 * the tab order, arrow keys / Home / End move between tabs and activate them.
 */
import { useRef, type KeyboardEvent } from 'react';

export interface SideTab<Id extends string> {
  id: Id;
  label: string;
}

export interface SideTabsProps<Id extends string> {
  tabs: SideTab<Id>[];
  active: Id;
  label: string;
  onChange: (id: Id) => void;
}

/** Element ids that tab panels use for `aria-labelledby` / tabs for `aria-controls`. */
export const tabId = (id: string) => `side-tab-${id}`;
export const tabPanelId = (id: string) => `side-tabpanel-${id}`;

export function SideTabs<Id extends string>({ tabs, active, label, onChange }: SideTabsProps<Id>) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const n = tabs.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    onChange(tabs[to].id);
    refs.current[to]?.focus();
  };
  return (
    <div className="side-tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, i) => (
        <button
          key={tab.id}
          ref={(el) => { refs.current[i] = el; }}
          type="button"
          role="tab"
          id={tabId(tab.id)}
          aria-selected={tab.id === active}
          aria-controls={tabPanelId(tab.id)}
          tabIndex={tab.id === active ? 0 : -1}
          data-testid={`tab-${tab.id}`}
          onClick={() => onChange(tab.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
