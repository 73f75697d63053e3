import { ApiError, apiErrorOf } from '@tablemap/sync-client';

/** Saves bytes or text as a file through a temporary link (works for blobs we fetched or made here). */
export function saveFile(body: Blob, filename: string): void {
  const url = URL.createObjectURL(body);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL is released.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** The file name from `Content-Disposition` (the UTF-8 form when given), else the fallback. */
export function filenameFrom(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8?.[1]) {
    try {
      return decodeURIComponent(utf8[1]);
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename="([^"]+)"/i.exec(header);
  return plain?.[1] ?? fallback;
}

/**
 * Fetches one of the facilitator's download endpoints with the bearer token and returns the file.
 * Errors carry the server's human message (`{error, message}`), or a plain one for a missing endpoint.
 */
export async function fetchDownload(
  url: string,
  token: string,
  fallbackName: string,
  init: { method?: 'GET' | 'POST'; body?: unknown } = {},
): Promise<{ blob: Blob; filename: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check that it is running and try again.');
  }
  if (!response.ok) {
    const refusal = await apiErrorOf(response);
    if (refusal.code === 'http' && response.status === 404) throw new ApiError(404, 'no_download', 'This server does not offer that download yet.');
    throw refusal;
  }
  return { blob: await response.blob(), filename: filenameFrom(response.headers.get('content-disposition'), fallbackName) };
}

export function eventApiUrl(eventId: string, path: string): string {
  return `/api/events/${encodeURIComponent(eventId)}/${path}`;
}
