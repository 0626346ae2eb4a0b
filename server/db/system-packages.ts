/**
 * Debian packages CityCheck needs on the machine, and the check that installs them when missing.
 * Only used by the command-line entry points (start, test, import); the server never calls apt.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** PostgreSQL 15 + PostGIS 3 + pgRouting, and the OSM / GDAL tools the importers call. */
export const DATABASE_PACKAGES = [
  'postgresql-15',
  'postgresql-15-postgis-3',
  'postgresql-15-pgrouting',
  'osm2pgsql',
  'gdal-bin',
  'osmium-tool',
] as const;

/**
 * Headless browser and CJK font for the end-to-end tests, client benchmarks and the annual report's PDF;
 * poppler-utils (pdftoppm, pdftotext) lets the report tests look at the PDF's pages and text.
 */
export const BROWSER_PACKAGES = ['chromium', 'fonts-wqy-zenhei', 'poppler-utils'] as const;

export class MissingPackagesError extends Error {
  readonly code = 'MISSING_PACKAGES';
  constructor(readonly packages: string[], detail: string) {
    super(`CityCheck needs these Debian packages: ${packages.join(' ')}. ${detail}`);
  }
}

function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/**
 * Installs the missing packages with apt-get when running as root; otherwise throws a
 * MissingPackagesError that names them. Takes a few milliseconds when all are present.
 */
export function ensurePackages(packages: readonly string[], log: (msg: string) => void = console.log): void {
  if (spawnSync('dpkg-query', ['--version']).status !== 0) {
    // Not a Debian system: we cannot check, so trust the user (DATABASE_URL is the usual path there).
    return;
  }
  const missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new MissingPackagesError(missing, `Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`Installing Debian packages: ${missing.join(' ')} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } catch (err) {
    throw new MissingPackagesError(missing, `apt-get failed: ${(err as Error).message}`);
  }
}
