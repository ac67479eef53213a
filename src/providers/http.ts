/** Small helpers shared by the provider HTTP clients: rules of HTTP itself, not of either provider. */

/** An answer body as JSON, or undefined when it is empty or not JSON (classification then goes by status). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `Retry-After` as delta-seconds or an HTTP date, in milliseconds (never negative); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.max(ms, 0) : undefined;
}
