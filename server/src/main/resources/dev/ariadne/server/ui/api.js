// The query API as the views use it: JSON in, errors as ApiError with the server's message.

/** An answer that is not 2xx, with the message the server gave (or the status line). */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The URL of path with the given query parameters; empty values are left out. */
export function url(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, String(v));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** A number in JSON text of 16 digits or more: only such an integer can be past 2^53. */
const LONG_NUMBER = /[:,[]\s*-?\d{16}/;

/**
 * The API's JSON text as data, with the integer attribute values ({"type": "int", "value": ...})
 * past 2^53 as BigInts, from their digits in the text: JSON.parse alone rounds them, and the
 * trace view would show, and find, the wrong number. A browser that does not give revivers the
 * source text keeps the rounded number.
 */
export function parseJson(text) {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  return JSON.parse(text, function exact(key, value, context) {
    if (key === 'value' && this.type === 'int' && typeof value === 'number'
        && !Number.isSafeInteger(value) && context && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return value;
  });
}

/** GET path?params as JSON; throws ApiError for an error answer and for one that is not JSON. */
export async function get(path, params, signal) {
  let response;
  try {
    response = await fetch(url(path, params), {headers: {Accept: 'application/json'}, signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, `The server cannot be reached (${path}): ${e.message}`);
  }
  const text = await response.text();
  let body;
  try {
    body = text ? parseJson(text) : null;
  } catch {
    throw new ApiError(response.status, `${path} answered ${response.status} with no JSON`);
  }
  if (!response.ok) {
    const message = body && (body.message || (body.errors && body.errors[0] && body.errors[0].msg));
    throw new ApiError(response.status, message
        ? `${message} (${response.status})`
        : `${path} answered ${response.status} ${response.statusText}`);
  }
  return body;
}
