// checkOptions: an options object's keys checked at run time, so that a caller without types (plain
// JavaScript, a config file) gets an error naming the op and the option instead of an option silently ignored.
import { AutogradError } from './errors';

/** Builds the error a check throws (`where` is the op); AutogradError by default, a package passes its own. */
export type OptionsErrorFactory = (where: string, message: string) => Error;

const autogradError: OptionsErrorFactory = (where, message) => new AutogradError(where, message);

/**
 * Throws unless `options` is undefined or a plain object whose own keys are all in `allowed`:
 * `${op}: unknown option 'ceil_mode' (expected one of kernelSize, stride, padding, ...)`.
 */
export function checkOptions(op: string, options: unknown, allowed: readonly string[], error: OptionsErrorFactory = autogradError): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw error(op, `expected an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an Array' : typeof options}`);
  }
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const names = unknown.map((k) => `'${k}'`).join(', ');
    throw error(op, `unknown option${unknown.length > 1 ? 's' : ''} ${names} (expected one of ${allowed.join(', ')})`);
  }
}

/**
 * Throws when an option the op knows but cannot honour is given a value other than the one it implements:
 * `${op}: option ceilMode: true is not supported (only ceilMode false, as torch's default)`.
 */
export function refuseOption(op: string, name: string, value: unknown, supported: (v: unknown) => boolean, what: string, error: OptionsErrorFactory = autogradError): void {
  if (value === undefined || supported(value)) return;
  throw error(op, `option ${name}: ${show(value)} is not supported (${what})`);
}

/** A short rendering of an option's value: JSON when small, else its kind. */
function show(v: unknown): string {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? `${/^([AEIOU]|N[A-Z])/.test(name) ? 'an' : 'a'} ${name}` : 'an object';
  }
  const json = JSON.stringify(v);
  return json === undefined ? String(v) : json.length > 40 ? `${json.slice(0, 37)}...` : json;
}
