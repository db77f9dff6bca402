/**
 * `ts-adc/runtime`: everything generated code may import at run time, and
 * nothing more. No dependencies.
 */
import { Tape } from './tape';

export { Tape };

/** The tape shared by all generated reverse-mode code. */
export const tape = new Tape();

/**
 * Return registers of internal helpers: a pushforward leaves its tangent in
 * `ret[0]`; a pullback with several scalar parameters leaves their adjoints in
 * `ret[0]`, `ret[1]`, … The caller reads them right after the call.
 */
export const ret = new Float64Array(256);
