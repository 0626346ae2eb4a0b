/** Language context: zh-CN by default, English switchable. `t(key)` looks up the UI dictionaries. */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { dictionaries, type MessageKey } from './dictionaries.ts';

export type Lang = 'zh' | 'en';

export interface I18n {
  lang: Lang;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
}

const I18nContext = createContext<I18n>({ lang: 'zh', t: (k) => k });

export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  const value = useMemo<I18n>(
    () => ({
      lang,
      t: (key, vars) => {
        let s: string = dictionaries[lang][key] ?? dictionaries.zh[key] ?? key;
        if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
        return s;
      },
    }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
