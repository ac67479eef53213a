/** Small helpers shared by the provider HTTP clients. */

/** An answer body as JSON, or undefined when it is empty or not JSON (classification then goes by status). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
