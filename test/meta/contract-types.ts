/**
 * Compile-time proof that the client's API types are the server's contract: every line marked
 * `@ts-expect-error` reads a field the server does not send (or sends under another name), so
 * `tsc` (test/meta/architecture.test.ts) fails if the contract ever stops rejecting it — and the
 * same holds for any client code that reads such a field. Not run; only type-checked.
 */
import type { CoverageRun } from '../../client/panels/green-coverage/green-coverage-api.ts';
import type { LifeCircleReport } from '../../client/panels/life-circle/life-circle-api.ts';
import type { City } from '../../client/api/cities-api.ts';

export function readsOnlyWhatTheServerSends(run: CoverageRun, report: LifeCircleReport, city: City): unknown[] {
  return [
    run.summary.officialPct,
    // @ts-expect-error — snake_case is not on the wire (one casing convention: camelCase)
    run.summary.official_pct,
    run.effective.largeRadiusM?.origin,
    // @ts-expect-error — the green-coverage request field was renamed to `dataset`; runs report `city`
    run.datasetId,
    report.effective.speed?.value,
    // @ts-expect-error — life-circle reports carry `effective` and `city`, not the old `params`
    report.params,
    report.estates[0]?.nameDerived,
    // @ts-expect-error — estates have no `label` field
    report.estates[0]?.label,
    city.bbox,
    // @ts-expect-error — a city has `center`, not `centre`
    city.centre,
  ];
}
