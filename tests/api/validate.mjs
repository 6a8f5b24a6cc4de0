// validate.mjs - the JSON API keeps its contract (ctest api/validate).
//
//   node tests/api/validate.mjs docs/openapi.json answers.jsonl...
//
// 1. The document is a valid OpenAPI 3.0 document (@apidevtools/swagger-parser checks it
//    against the OpenAPI schema and resolves every $ref).
// 2. Every object schema an answer can carry says which members it allows (properties plus
//    additionalProperties), so an undocumented member is a failure, not a silent extra.
// 3. Every answer the HTTP tests recorded under /api/ (tests/http/harness.c, one JSON line each:
//    method, path, status, content_type, body) is checked with ajv against the schema documented
//    for its path, method and status: an undocumented status, content type or member fails.
//    A path or method the document does not have must answer 404 or 405 with the Error schema.
// Prints one line per failure and "N passed, N failed".
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [docPath, ...files] = process.argv.slice(2);
if (!docPath || files.length === 0) {
  console.error('usage: validate.mjs openapi.json answers.jsonl...');
  process.exit(2);
}

const failures = [];
let passed = 0;
const fail = (what) => failures.push(what);

// --- 1. the document itself ------------------------------------------------------------------
const raw = JSON.parse(readFileSync(docPath, 'utf8'));
let api;
try {
  api = await SwaggerParser.validate(structuredClone(raw));
} catch (e) {
  console.log(`FAIL ${docPath} is not a valid OpenAPI document: ${e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
passed++;

// --- 2. closed schemas -----------------------------------------------------------------------
// Walks a dereferenced schema; objects with properties must state additionalProperties.
function closedSchemas(schema, where, seen = new Set()) {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  if (schema.type === 'object' && schema.additionalProperties === undefined)
    fail(`${where}: object schema does not say whether other members may appear`);
  for (const [name, sub] of Object.entries(schema.properties ?? {}))
    closedSchemas(sub, `${where}.${name}`, seen);
  if (typeof schema.additionalProperties === 'object')
    closedSchemas(schema.additionalProperties, `${where}{*}`, seen);
  if (schema.items) closedSchemas(schema.items, `${where}[]`, seen);
  for (const key of ['oneOf', 'anyOf', 'allOf'])
    (schema[key] ?? []).forEach((s, i) => closedSchemas(s, `${where}.${key}[${i}]`, seen));
}

const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];
for (const [path, item] of Object.entries(api.paths))
  for (const method of methods.filter((m) => item[m]))
    for (const [status, response] of Object.entries(item[method].responses)) {
      const content = response.content ?? {};
      if (Object.keys(content).length === 0)
        fail(`${method.toUpperCase()} ${path} ${status}: no documented body`);
      for (const [type, media] of Object.entries(content))
        closedSchemas(media.schema, `${method.toUpperCase()} ${path} ${status} ${type}`);
    }

// --- 3. the recorded answers -----------------------------------------------------------------
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addKeyword('example'); // OpenAPI 3.0 annotation
const validators = new Map();
function validatorFor(schema) {
  if (!validators.has(schema)) validators.set(schema, ajv.compile(schema));
  return validators.get(schema);
}

// The documented path template that fits a concrete path ({name} = one segment), or null.
function templateOf(path) {
  for (const template of Object.keys(api.paths)) {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    if (new RegExp(`^${pattern}$`).test(path)) return template;
  }
  return null;
}

// The answer's body as text: recorded as text, or as hex (gzip'd when Content-Encoding says so).
function bodyText(answer) {
  if (typeof answer.body === 'string') return answer.body;
  const bytes = Buffer.from(answer.body?.hex ?? '', 'hex');
  if (answer.content_encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  if (answer.content_encoding) throw new Error(`encoding ${answer.content_encoding}`);
  return bytes.toString('utf8');
}

const seen = new Set(); // "METHOD template status" of the documented responses answered

function check(answer) {
  const { method, status } = answer;
  const path = answer.path.split('?')[0];
  const what = `${method} ${answer.path} -> ${status}`;
  const template = templateOf(path);
  const item = template ? api.paths[template] : null;
  const op = item?.[method === 'HEAD' ? 'get' : method.toLowerCase()];
  let response;
  if (op) {
    response = op.responses[String(status)] ?? op.responses.default;
    if (!response) return fail(`${what}: status not documented for ${method} ${template}`);
    seen.add(`${method === 'HEAD' ? 'GET' : method} ${template} ${status}`);
  } else {
    // No such operation: the API's own 404 (unknown path) or 405 (known path, other method).
    const expected = item ? 405 : 404;
    if (status !== expected) return fail(`${what}: expected ${expected} for an undocumented operation`);
    response = { content: { 'application/json': { schema: api.components.schemas.Error } } };
  }
  const type = (answer.content_type ?? '').split(';')[0].trim().toLowerCase();
  const media = response.content?.[type];
  if (!media) return fail(`${what}: content type "${answer.content_type}" not documented`);
  if (method === 'HEAD') return passed++;
  let body;
  try {
    body = JSON.parse(bodyText(answer));
  } catch {
    return fail(`${what}: body is not JSON: ${String(answer.body).slice(0, 200)}`);
  }
  const validate = validatorFor(media.schema);
  if (!validate(body)) {
    const why = validate.errors.map((e) => {
      const extra = e.params?.additionalProperty;
      return `body${e.instancePath} ${e.message}${extra ? `: "${extra}"` : ''}`;
    });
    return fail(`${what}: ${[...new Set(why)].join('; ')}`);
  }
  passed++;
}

let answers = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  for (const line of lines) {
    answers++;
    check(JSON.parse(line));
  }
}
if (answers === 0) fail('no recorded answers: did the HTTP tests run with BIANMIN_API_RECORD?');

// Which documented answers no test produced (information: a 500 cannot be provoked at will).
const unseen = [];
for (const [path, item] of Object.entries(api.paths))
  for (const method of methods.filter((m) => item[m]))
    for (const status of Object.keys(item[method].responses))
      if (!seen.has(`${method.toUpperCase()} ${path} ${status}`))
        unseen.push(`${method.toUpperCase()} ${path} ${status}`);
if (unseen.length) console.log(`not exercised by the recorded tests: ${unseen.join(', ')}`);

for (const f of failures) console.log(`FAIL ${f}`);
console.log(`api/validate: ${answers} answers in ${files.length} file(s)`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
