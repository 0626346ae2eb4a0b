/** Typed JSON fetch with one error class, so the UI can tell "server down" from "bad request". */
export class ApiError extends Error {
  readonly code: 'NETWORK' | 'HTTP';
  readonly status: number | null;
  readonly url: string;
  constructor(url: string, status: number | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = status === null ? 'NETWORK' : 'HTTP';
    this.status = status;
    this.url = url;
  }
  /** True when the server (or its database) cannot answer at all. */
  get isServerDown(): boolean {
    return this.status === null || this.status >= 500;
  }
}

/** GETs JSON from a same-origin path; throws ApiError on network failure or a non-2xx status. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(path, null, (err as Error).message);
  }
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = ((await res.json()) as { message?: string }).message ?? message;
    } catch {
      /* body was not JSON; keep the status text */
    }
    throw new ApiError(path, res.status, message);
  }
  return (await res.json()) as T;
}

/** An absolute URL for a same-origin path (MapLibre and deck.gl workers need absolute URLs). */
export const absoluteUrl = (path: string): string => new URL(path, location.href).href;
