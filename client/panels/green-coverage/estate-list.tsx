/**
 * Estates sorted by walking distance to the nearest eligible park (straight distance where the run has
 * no walking mode), with the park's name and whether the estate counts as covered. Estates without a
 * name carry the server's derived name (nearest street and side) marked as derived.
 */
import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n-context.tsx';
import type { CoverageEstate } from './green-coverage-api.ts';
import { formatM } from './format.ts';

const SHOWN = 100;

/** Walking distance first, else straight; unknown distances (none within the search cap) sort as farthest. */
export function estateDistance(e: CoverageEstate): number {
  return e.walkDistanceM ?? e.straightDistanceM ?? Number.POSITIVE_INFINITY;
}

export function sortEstates(estates: CoverageEstate[], nearestFirst: boolean): CoverageEstate[] {
  return [...estates].sort((a, b) => (nearestFirst ? 1 : -1) * (estateDistance(a) - estateDistance(b)) || String(a.estateId).localeCompare(String(b.estateId)));
}

export function EstateList({ estates, walking }: { estates: CoverageEstate[]; walking: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [nearestFirst, setNearestFirst] = useState(false);
  const sorted = useMemo(() => sortEstates(estates, nearestFirst), [estates, nearestFirst]);
  return (
    <section className="gc-estates" aria-label={t('gc.estates')}>
      <h3>
        {t('gc.estates')}{' '}
        <button type="button" className="small" onClick={() => setNearestFirst(!nearestFirst)} aria-pressed={nearestFirst}>
          {nearestFirst ? t('gc.estate.sortAsc') : t('gc.estate.sortDesc')}
        </button>
      </h3>
      <div className="gc-table-wrap">
        <table className="gc-table" data-testid="gc-estates">
          <thead>
            <tr><th>{t('gc.estate.name')}</th><th>{t('gc.estate.distance')}</th><th>{t('gc.estate.park')}</th><th>{t('gc.estate.covered')}</th></tr>
          </thead>
          <tbody>
            {sorted.slice(0, SHOWN).map((e) => {
              const covered = walking ? e.coveredWalking : e.coveredOfficial;
              const straight = e.walkDistanceM === null && e.straightDistanceM !== null;
              return (
                <tr key={String(e.estateId)}>
                  <td>
                    {(i18n.lang === 'en' ? e.nameEn : e.name) ?? e.name ?? t('gc.estate.unnamed')}
                    {e.nameDerived && <small className="badge derived" title={t('gc.estate.derived')} data-testid="gc-estate-derived"> {t('gc.estate.derivedMark')}</small>}
                  </td>
                  <td className="num">{formatM(i18n, e.walkDistanceM ?? e.straightDistanceM)}{straight && <small className="muted"> ({t('gc.estate.straight')})</small>}</td>
                  <td>{(walking ? e.nearestParkName ?? e.straightParkName : e.straightParkName ?? e.nearestParkName) ?? '—'}</td>
                  <td className={covered ? 'gc-yes' : 'gc-no'}>{covered === null ? '—' : covered ? t('value.true') : t('value.false')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {sorted.length > SHOWN && <p className="muted small">{t('gc.estate.more', { n: sorted.length - SHOWN })}</p>}
    </section>
  );
}
