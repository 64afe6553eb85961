// Numbers and names as the views show them. Epoch times come from the API as strings of
// nanoseconds (they exceed what a JavaScript number holds exactly); durations as numbers.

/** Nanoseconds since the epoch, from the API's string, as a BigInt. */
export function epochNanos(text) {
  return BigInt(text);
}

/** Milliseconds since the epoch (a number) from the API's nanosecond string. */
export function epochMillis(text) {
  return Number(BigInt(text) / 1000000n) + Number(BigInt(text) % 1000000n) / 1e6;
}

/** The units below a minute: nanoseconds in one, and how many of it make the next unit. */
const UNITS = [[1e3, 'µs', 1000], [1e6, 'ms', 1000], [1e9, 's', 60]];

/**
 * A duration in nanoseconds as people read it: 850ns, 12.3µs, 45.6ms, 1.23s, 2m 5s, 1h 0m. A value
 * that rounds to a whole next unit is shown in it: 999.9µs is 1.00ms, 59m 59.6s is 1h 0m.
 */
export function duration(nanos) {
  const n = Number(nanos);
  if (!Number.isFinite(n)) return '–';
  return `${n < 0 ? '−' : ''}${shown(Math.abs(n)).text}`;
}

/**
 * The nanoseconds that duration() shows for a duration of at least 0: 1,234,567 reads 1.23ms,
 * 1,230,000. A longer duration is never shown as less, so a search can find what it shows.
 */
export function shownNanos(nanos) {
  return shown(Math.abs(Number(nanos))).nanos;
}

/** A duration of at least 0 as duration() shows it: the text and the nanoseconds it reads. */
function shown(a) {
  if (Math.round(a) < 1e3) return {text: `${Math.round(a)}ns`, nanos: Math.round(a)};
  for (const [size, unit, next] of UNITS) {
    const text = trim(a / size);
    if (Number(text) < next) return {text: `${text}${unit}`, nanos: Math.round(Number(text) * size)};
  }
  const seconds = Math.round(a / 1e9);
  if (seconds < 3600) {
    return {text: `${Math.floor(seconds / 60)}m ${seconds % 60}s`, nanos: seconds * 1e9};
  }
  const minutes = Math.round(a / 60e9);
  return {text: `${Math.floor(minutes / 60)}h ${minutes % 60}m`, nanos: minutes * 60e9};
}

/** Three significant digits (two decimals below 10, one below 100, none above), as rounded. */
function trim(x) {
  const hundredths = x.toFixed(2);
  if (Number(hundredths) < 10) return hundredths;
  const tenths = x.toFixed(1);
  return Number(tenths) < 100 ? tenths : x.toFixed(0);
}

/** A time from a reference point, with its sign: +15.0ms after it, −5.00ms before it. */
export function offset(nanos) {
  return Number(nanos) >= 0 ? `+${duration(nanos)}` : duration(nanos);
}

/** An epoch time (milliseconds) as local date and time with milliseconds. */
export function timestamp(millis) {
  const d = new Date(millis);
  const pad = (v, n = 2) => String(v).padStart(n, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
      + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.`
      + `${pad(d.getMilliseconds(), 3)}`;
}

/**
 * What a `missing` note of a RED answer or a service map says (spans or calls past
 * analytics.max-series, spans the pairing table had no room for, a range past the retention,
 * dropped for memory or set aside as corrupt), with its times in the browser's zone as every view
 * shows them; `subject` is the service, or the operation and its service; `what` is what the
 * range would show: requests, or calls.
 */
export function missingText(note, subject, what = 'requests') {
  const time = (nanos) => timestamp(epochMillis(nanos)).slice(0, 19);
  const span = `from ${time(note.from)} to ${time(note.to)}`;
  if (note.cause === 'max-series' && 'uncountedCalls' in note) {
    return `${plural(note.uncountedCalls, 'call')} that started ${span} `
        + `${note.uncountedCalls === 1 ? 'is' : 'are'} not on the edges between their services: ${note.setting} was reached, and they were counted on edges `
        + 'from and to __overflow__ instead (as known since the server started).';
  }
  if (note.cause === 'max-pending-calls') {
    return `${plural(note.droppedSpans, 'span')} that started ${span} could not wait for the `
        + `other half of their calls: ${note.setting} spans were waiting already, so calls they `
        + 'made or received may be missing (as known since the server started).';
  }
  if (note.cause === 'corrupt') {
    return `The metrics ${span} were in a file that failed its checksums and was set aside as `
        + `corrupt: that time shows at most the ${what} recorded after, whether there were more `
        + 'or not.';
  }
  if (note.cause === 'memory-max') {
    return `Metrics before ${time(note.to)} were dropped to keep within ${note.setting}: the `
        + `range before then shows no ${what}, whether there were any or not.`;
  }
  if (note.cause === 'max-series') {
    return note.uncountedSpans === null
      ? `${subject} may lack spans that started ${span}: ${note.setting} was reached, and more `
          + 'services and operations had spans counted in the __overflow__ series than the server '
          + 'remembers.'
      : `${plural(note.uncountedSpans, 'span')} of ${subject} that started ${span} are not `
          + `counted here: ${note.setting} was reached, and they were counted in the __overflow__ `
          + 'series instead (as known since the server started).';
  }
  return `Metrics before ${time(note.to)} are not kept (${note.setting}): the range before then `
      + `shows no ${what}, whether there were any or not.`;
}

/** A count with thousands separators. */
export function count(n) {
  return Number(n).toLocaleString('en-US');
}

/** A count and its noun, plural unless the count is one: "1 span", "3 spans". */
export function plural(n, noun) {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** A ratio (0..1) as a percentage. */
export function percent(ratio) {
  const p = Number(ratio) * 100;
  return `${p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** A typed attribute value from the API ({type, value}) as text. */
export function attributeValue(attribute) {
  switch (attribute.type) {
    case 'array':
      return `[${attribute.value.map(attributeValue).join(', ')}]`;
    case 'map':
      return `{${attribute.value.map((a) => `${a.key}: ${attributeValue(a)}`).join(', ')}}`;
    default:
      return String(attribute.value);
  }
}

const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f',
  '#af7aa1', '#86bcb6', '#e15759', '#8cd17d', '#499894', '#d37295', '#a0cbe8', '#ffbe7d',
];

/** The colour of a service: the same name always gets the same colour. */
export function serviceColor(name) {
  let hash = 2166136261;
  for (const ch of String(name)) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 16777619);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length];
}

/** Round ticks from 0 to at least max: about four steps of 1, 2, 2.5 or 5 times a power of ten. */
export function niceTicks(max) {
  const top = max > 0 ? max : 1;
  const raw = top / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw * (1 - 1e-9));
  const steps = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({length: steps + 1}, (_, i) => Number((i * step).toPrecision(12)));
}
