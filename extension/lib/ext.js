/**
 * The WebExtension API object. Firefox exposes the promise-based `browser`; Chrome's MV3
 * `chrome` returns promises too, so one name serves both without a polyfill.
 */
export const ext = globalThis.browser ?? globalThis.chrome;
