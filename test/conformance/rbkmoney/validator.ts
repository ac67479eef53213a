// Checks HTTP exchanges and webhook deliveries against the provider's Swagger 2.0 specs: the operation is
// found by method and path (basePath included), then the body against the schema of the request or of the
// answer's status, and the header, query and path parameters against their declarations. Every problem
// names the operation, the part, and the field.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonObject, SwaggerDocument } from './bundle.js';
import { type Mode, translateDefinitions, translateSchema } from './json-schema.js';

export interface ConformanceProblem {
  /** e.g. `POST /wallet/v0/withdrawals` or `webhook notifyWebhookEvent`. */
  operation: string;
  /** e.g. `request body`, `202 answer body`, `header X-Request-ID`, `query limit`, `path withdrawalID`. */
  part: string;
  /** Dotted path to the field inside the part, `(root)` for the part itself. */
  field: string;
  message: string;
}

export class ConformanceError extends Error {
  constructor(readonly problems: ConformanceProblem[]) {
    super(`not as the RBKmoney spec says:\n${formatProblems(problems)}`);
    this.name = 'ConformanceError';
  }
}

export function formatProblems(problems: ConformanceProblem[]): string {
  return problems.map((p) => `  ${p.operation}: ${p.part}: ${p.field}: ${p.message}`).join('\n');
}

export interface RequestExchange {
  method: string;
  /** Path and query as sent, e.g. `/wallet/v0/webhooks?identityID=3`. */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; undefined when there is none. */
  body?: unknown;
}

export interface ResponseExchange {
  status: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
}

interface Api {
  name: string;
  document: SwaggerDocument;
}

export interface Operation {
  api: string;
  method: string;
  template: string;
  operationId: string;
  pathParams: Record<string, string>;
  spec: JsonObject;
  document: SwaggerDocument;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function createAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (v: string) => rfc3339.test(v) && !Number.isNaN(Date.parse(v)),
  });
  ajv.addFormat('uri', { type: 'string', validate: (v: string) => URL.canParse(v) });
  ajv.addFormat('int32', { type: 'number', validate: (v: number) => Number.isInteger(v) && Math.abs(v) <= 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (v: number) => Number.isSafeInteger(v) });
  return ajv;
}

/** The 5xx answers the spec's introduction describes for every operation (no body schema). */
const generalServerErrors = new Set(['500', '503', '504']);

function header(headers: RequestExchange['headers'], name: string): string | undefined {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase());
  const value = entry?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function fieldOf(error: ErrorObject): string {
  const base = error.instancePath.split('/').slice(1).join('.');
  const missing =
    error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : '';
  const field = [base, missing].filter(Boolean).join('.');
  return field || '(root)';
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'false schema') return 'is read-only: must not be sent';
  const allowed =
    error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${error.message ?? error.keyword}${allowed}`;
}

export class RbkmoneySpec {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly apis: Api[]) {
    for (const { name, document } of apis) {
      for (const mode of ['request', 'response'] as const) {
        const id = this.documentId(name, mode);
        this.ajv.addSchema({ $id: id, definitions: translateDefinitions(document.definitions, mode, id) });
      }
    }
  }

  private documentId(api: string, mode: Mode): string {
    return `rbkmoney-${api}-${mode}`;
  }

  /** The operation for a method and a concrete path (with basePath; a query is ignored). */
  findOperation(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0] ?? '';
    for (const { name, document } of this.apis) {
      const basePath = document.basePath ?? '';
      if (!path.startsWith(`${basePath}/`)) continue;
      const rest = path.slice(basePath.length).split('/');
      for (const [template, item] of Object.entries(document.paths)) {
        const parts = template.split('/');
        if (parts.length !== rest.length) continue;
        const pathParams: Record<string, string> = {};
        const matches = parts.every((part, i) => {
          const actual = rest[i] ?? '';
          const param = /^\{(.+)\}$/.exec(part);
          if (!param) return part === actual;
          if (actual === '') return false;
          pathParams[param[1] ?? ''] = decodeURIComponent(actual);
          return true;
        });
        const spec = item[method.toLowerCase()];
        if (matches && isObject(spec)) {
          const operationId = typeof spec.operationId === 'string' ? spec.operationId : template;
          return { api: name, method: method.toUpperCase(), template, operationId, pathParams, spec, document };
        }
      }
    }
    return undefined;
  }

  private validator(api: string, mode: Mode, schema: unknown): ValidateFunction {
    const key = `${api}\u0000${mode}\u0000${JSON.stringify(schema)}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(translateSchema(schema, mode, this.documentId(api, mode)) as object);
      this.compiled.set(key, validate);
    }
    return validate;
  }

  private checkValue(op: Operation, mode: Mode, part: string, schema: unknown, value: unknown): ConformanceProblem[] {
    const validate = this.validator(op.api, mode, schema);
    if (validate(value)) return [];
    const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
    return errors.map((error) => ({ operation: label(op), part, field: fieldOf(error), message: messageOf(error) }));
  }

  private resolve(op: Operation, value: unknown): JsonObject {
    if (isObject(value) && typeof value.$ref === 'string') {
      const [, section, name] = value.$ref.split('/');
      const target = (op.document[section ?? ''] as Record<string, JsonObject> | undefined)?.[name ?? ''];
      if (!target) throw new Error(`${label(op)}: unresolved ${value.$ref}`);
      return target;
    }
    return value as JsonObject;
  }

  private parameters(op: Operation): JsonObject[] {
    const declared = Array.isArray(op.spec.parameters) ? op.spec.parameters : [];
    return declared.map((parameter) => this.resolve(op, parameter));
  }

  checkRequest(request: RequestExchange): ConformanceProblem[] {
    return this.checkIncoming(request, 'request');
  }

  /**
   * `bodyMode`: a webhook is a request sent by the provider about its own objects, so read-only fields are
   * expected in it; it is checked like an answer.
   */
  private checkIncoming(request: RequestExchange, bodyMode: Mode): ConformanceProblem[] {
    const op = this.findOperation(request.method, request.url);
    if (!op) return [unknownOperation(request)];
    const problems: ConformanceProblem[] = [];
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    for (const parameter of this.parameters(op)) {
      const name = String(parameter.name);
      if (parameter.in === 'body') {
        if (request.body === undefined) {
          if (parameter.required === true) problems.push(problem(op, 'request body', '(root)', 'is required'));
        } else {
          problems.push(...this.checkValue(op, bodyMode, 'request body', parameter.schema, request.body));
        }
        continue;
      }
      const raw =
        parameter.in === 'header'
          ? header(request.headers, name)
          : parameter.in === 'query'
            ? (query.get(name) ?? undefined)
            : parameter.in === 'path'
              ? op.pathParams[name]
              : undefined;
      const part = `${String(parameter.in)} ${name}`;
      if (raw === undefined) {
        if (parameter.required === true) problems.push(problem(op, part, '(root)', 'is required'));
        continue;
      }
      const { name: _n, in: _in, required: _r, description: _d, ...schema } = parameter;
      const value = schema.type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      problems.push(...this.checkValue(op, 'request', part, schema, value));
    }
    const security = op.spec.security ?? op.document.security;
    if (
      Array.isArray(security) &&
      security.length > 0 &&
      !/^Bearer \S+/.test(header(request.headers, 'authorization') ?? '')
    ) {
      problems.push(problem(op, 'header Authorization', '(root)', 'must be "Bearer <key>"'));
    }
    if (request.body !== undefined && !/^application\/json\b/.test(header(request.headers, 'content-type') ?? '')) {
      problems.push(problem(op, 'header Content-Type', '(root)', 'must be application/json'));
    }
    return problems;
  }

  checkResponse(request: Pick<RequestExchange, 'method' | 'url'>, response: ResponseExchange): ConformanceProblem[] {
    const op = this.findOperation(request.method, request.url);
    if (!op) return [unknownOperation(request)];
    const status = String(response.status);
    const responses = isObject(op.spec.responses) ? op.spec.responses : {};
    const declared = responses[status] ?? responses.default;
    if (declared === undefined) {
      if (generalServerErrors.has(status)) return [];
      return [
        problem(op, `${status} answer`, '(root)', `status not in the spec (${Object.keys(responses).join(', ')})`),
      ];
    }
    const schema = this.resolve(op, declared).schema;
    if (schema === undefined) return []; // declared without a body schema (401, 404, 204)
    const part = `${status} answer body`;
    if (response.body === undefined) return [problem(op, part, '(root)', 'is required')];
    const problems = this.checkValue(op, 'response', part, schema, response.body);
    if (!/^application\/json\b/.test(header(response.headers, 'content-type') ?? 'application/json')) {
      problems.push(problem(op, `${status} answer header Content-Type`, '(root)', 'must be application/json'));
    }
    return problems;
  }

  /** A webhook delivery: the events spec's one operation, its Content-Signature header and its Event body. */
  checkWebhook(delivery: { headers?: RequestExchange['headers']; body: unknown }): ConformanceProblem[] {
    const events = this.apis.find((api) => api.name === 'events');
    const [template] = Object.keys(events?.document.paths ?? {});
    if (!events || !template) throw new Error('the webhook events spec is not loaded');
    const url = `${events.document.basePath ?? ''}${template}`;
    return this.checkIncoming({ method: 'POST', url, headers: delivery.headers, body: delivery.body }, 'response');
  }

  assertRequest(request: RequestExchange): void {
    throwIfAny(this.checkRequest(request));
  }

  assertResponse(request: Pick<RequestExchange, 'method' | 'url'>, response: ResponseExchange): void {
    throwIfAny(this.checkResponse(request, response));
  }

  assertWebhook(delivery: { headers?: RequestExchange['headers']; body: unknown }): void {
    throwIfAny(this.checkWebhook(delivery));
  }
}

function label(op: Operation): string {
  return `${op.method} ${op.document.basePath ?? ''}${op.template}`;
}

function problem(op: Operation, part: string, field: string, message: string): ConformanceProblem {
  return { operation: label(op), part, field, message };
}

function unknownOperation(request: Pick<RequestExchange, 'method' | 'url'>): ConformanceProblem {
  return {
    operation: `${request.method.toUpperCase()} ${request.url.split('?')[0] ?? ''}`,
    part: 'operation',
    field: '(root)',
    message: 'no such operation in the spec',
  };
}

function throwIfAny(problems: ConformanceProblem[]): void {
  if (problems.length > 0) throw new ConformanceError(problems);
}
