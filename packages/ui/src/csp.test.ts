import { describe, expect, it } from 'vitest';
import { CSP_DIRECTIVES } from './csp.ts';

describe('the apps’ Content-Security-Policy', () => {
  it('lets sockets and fetches reach this origin only, with base-uri and object-src locked', () => {
    expect(CSP_DIRECTIVES['connect-src']).toEqual(['self']);
    expect(CSP_DIRECTIVES['base-uri']).toEqual(['self']);
    expect(CSP_DIRECTIVES['object-src']).toEqual(['none']);
    expect(CSP_DIRECTIVES['default-src']).toEqual(['self']);
  });
});
