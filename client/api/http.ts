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

/** The CSRF token of the signed-in session (client/api/auth-api.ts sets it), sent with every write. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** GETs JSON from a same-origin path; throws ApiError on network failure or a non-2xx status. */
export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { signal });
}

/** Sends a JSON body (POST/PUT/PATCH; DELETE with `undefined`) to a same-origin path and reads the JSON answer (null for 204); errors as getJson. */
export function sendJson<T>(path: string, method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', body: unknown, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { method, body: JSON.stringify(body), signal });
}

/** POSTs a form (a file upload, multipart) and reads the JSON answer; the browser sets the content type; errors as getJson. */
export function sendForm<T>(path: string, form: FormData, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(path, { method: 'POST', body: form, signal });
}

/** A path with a query string of the defined values only (arrays comma-joined), e.g. `pathWith('/x', { a: 1, b: undefined })`. */
export function pathWith(path: string, query: Record<string, string | number | boolean | readonly string[] | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    p.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const q = p.toString();
  return q ? `${path}?${q}` : path;
}

async function requestJson<T>(path: string, init: { method?: string; body?: string | FormData; signal?: AbortSignal }): Promise<T> {
  let res: Response;
  try {
    const write = init.method !== undefined && init.method !== 'GET';
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}), ...(write && csrfToken ? { 'x-csrf-token': csrfToken } : {}) } });
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
  if (res.status === 204) return null as T;
  return (await res.json()) as T;
}

/** An absolute URL for a same-origin path (MapLibre and deck.gl workers need absolute URLs). */
export const absoluteUrl = (path: string): string => new URL(path, location.href).href;
