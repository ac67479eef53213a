/**
 * The RBKmoney sandbox's request checks, as the provider's API gateway does them: the Bearer key (401 with an
 * empty body), `X-Request-ID` (required, 1-32 characters) and `X-Request-Deadline` (1-40), then the body
 * against its zod schema and the path and query parameters; each refusal is the provider's 400 body.
 */
import type { z } from 'zod';
import { jsonReply, parseJsonBody, type Reply, type SandboxRequest } from '../server.js';
import type { Answer } from './answers.js';
import { badRequest, requestIdSchema } from './requests.js';

export function toReply(answer: Answer): Reply {
  if (answer.body === undefined) return { status: answer.status, text: '', headers: answer.headers };
  return jsonReply(answer.status, answer.body, {
    'content-type': 'application/json; charset=utf-8',
    ...answer.headers,
  });
}

function headerOf(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class RequestRefused extends Error {
  constructor(readonly answer: Answer) {
    super(`refused with ${answer.status}`);
  }
}

const refuse = (answer: Answer) => new RequestRefused(answer);

/** The parsed body, or a 400 naming the body parameter (and paths, never values). */
export function bodyOf<T>(request: SandboxRequest, schema: z.ZodType<T>, parameter: string): T {
  const json = parseJsonBody(request.body);
  if (!json.ok) throw refuse({ status: 400, body: badRequest('SchemaViolated', parameter, 'body is not JSON') });
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
  throw refuse({ status: 400, body: badRequest('SchemaViolated', parameter, detail) });
}

/** An id in the path or the query: the spec's 1-40 characters. */
export function idParam(value: string | null | undefined, name: string, maxLength = 40): string {
  if (value === null || value === undefined || value === '') {
    throw refuse({ status: 400, body: badRequest('NotFound', name) });
  }
  if (value.length > maxLength) throw refuse({ status: 400, body: badRequest('WrongLength', name) });
  return value;
}

export function intParam(value: string | null, name: string, range: { min: number; max: number }): number {
  const number = value !== null && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(number)) throw refuse({ status: 400, body: badRequest('WrongType', name) });
  if (number < range.min || number > range.max) throw refuse({ status: 400, body: badRequest('NotInRange', name) });
  return number;
}

export interface ApiOptions {
  apiKey: string;
  /** payres defines no X-Request-Deadline. */
  deadline: boolean;
}

/** Wraps a handler with the checks every call of the API gets. */
export function api(options: ApiOptions, handle: (request: SandboxRequest) => Answer) {
  return (request: SandboxRequest): Reply => {
    if (headerOf(request, 'authorization') !== `Bearer ${options.apiKey}`) return { status: 401, text: '' };
    try {
      const requestId = headerOf(request, 'x-request-id');
      if (requestId === undefined) throw refuse({ status: 400, body: badRequest('NotFound', 'X-Request-ID') });
      if (!requestIdSchema.safeParse(requestId).success) {
        throw refuse({ status: 400, body: badRequest('WrongLength', 'X-Request-ID') });
      }
      const deadline = headerOf(request, 'x-request-deadline');
      if (options.deadline && deadline !== undefined && (deadline === '' || deadline.length > 40)) {
        throw refuse({ status: 400, body: badRequest('WrongLength', 'X-Request-Deadline') });
      }
      return toReply(handle(request));
    } catch (error) {
      if (error instanceof RequestRefused) return toReply(error.answer);
      throw error;
    }
  };
}
