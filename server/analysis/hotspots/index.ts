/**
 * Hotspot statistics (城市病热点, indicators.md §11.3): spatial weights (CSR), Getis–Ord Gi*, local and
 * global Moran's I, conditional-permutation p-values, Benjamini–Hochberg FDR and ArcGIS-style bins.
 * Pure functions over typed arrays: no database, no Fastify. Neighbour pairs may come from SQL
 * (fromPairs) or be built here from grid indexes or centroids.
 */
export type { Neighbours, Pairs, FromPairsOptions } from './neighbours.ts';
export { fromPairs, fromTriplets, rowStandardise, islandsOf } from './neighbours.ts';
export type { Contiguity, GridCells } from './grid-weights.ts';
export { squareGridContiguity, hexGridContiguity, fullGrid } from './grid-weights.ts';
export type { Points } from './point-weights.ts';
export { knn, distanceBand } from './point-weights.ts';
export type { GiStarOptions, GiStarResult, LocalMoranResult, LocalOptions, Quadrant } from './local-stats.ts';
export { getisOrdGiStar, getisOrdGiStarSteps, localMoran, localMoranSteps } from './local-stats.ts';
export type { GlobalMoranResult } from './global-moran.ts';
export { globalMoran } from './global-moran.ts';
export { benjaminiHochberg, confidenceBins, fdrBins } from './fdr.ts';
export { mulberry32 } from './random.ts';
export { upperTail, twoSidedP } from './normal.ts';
export { HotspotInputError } from './hotspot-error.ts';
