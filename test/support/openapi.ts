import type { App } from '../../src/server/http.js';

/** The part of a JSON schema in /openapi.json that the tests read. */
export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  default?: unknown;
}

/** One operation of /openapi.json: `POST` and `/api/parcels/{id}/receive`, with its inputs. */
export interface Operation {
  method: string;
  path: string;
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/** Every operation the app's /openapi.json lists, the method in capitals. */
export async function openApiOperations(app: App): Promise<Operation[]> {
  const r = await app.inject({ method: 'GET', url: '/openapi.json' });
  if (r.statusCode !== 200) throw new Error(`/openapi.json answered ${r.statusCode}`);
  const doc = JSON.parse(r.body) as { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })));
}
