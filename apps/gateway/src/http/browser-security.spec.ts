import { loadConfig } from '@app/common';
import { GatewayConfig } from '../config';
import { contentSecurityPolicy, parseCorsOrigins } from './browser-security';

const SECRETS = { JWT_SECRET: 'x'.repeat(32), BROKER_SEALING_SECRET: 'y'.repeat(32) };

describe(parseCorsOrigins.name, () => {
  it.each([
    ['', []],
    ['http://localhost:5173', ['http://localhost:5173']],
    ['https://app.example.com, http://localhost:5173', ['https://app.example.com', 'http://localhost:5173']],
    ['https://[::1]:8443', ['https://[::1]:8443']],
  ])('reads %p as %p', (raw, expected) => {
    expect(parseCorsOrigins(raw)).toEqual(expected);
  });

  it.each([
    '*',
    'https://*.example.com',
    'null',
    'app.example.com',
    'https://app.example.com/',
    'https://app.example.com/path',
    'HTTPS://APP.EXAMPLE.COM',
    'https://app.example.com:443',
    'ftp://app.example.com',
    'https://app.example.com,*',
  ])('refuses %p', (raw) => {
    expect(parseCorsOrigins(raw)).toBeNull();
  });

  it('makes the config fail when CORS_ORIGINS holds a wildcard', () => {
    expect(() => loadConfig(GatewayConfig, { ...SECRETS, CORS_ORIGINS: '*' })).toThrow(/CORS_ORIGINS/);
  });

  it('allows no cross-origin caller when CORS_ORIGINS is not set', () => {
    expect(loadConfig(GatewayConfig, SECRETS).CORS_ORIGINS).toEqual([]);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows nothing beyond the gateway itself with the emulator’s Link', () => {
    const csp = contentSecurityPolicy('emulator');
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['frame-src']).toBeUndefined();
  });

  it('adds exactly Plaid Link’s script, frame and API hosts with LINK_MODE=plaid', () => {
    const csp = contentSecurityPolicy('plaid');
    expect(csp['script-src']).toEqual(["'self'", 'https://cdn.plaid.com/link/v2/stable/link-initialize.js']);
    expect(csp['frame-src']).toEqual(["'self'", 'https://cdn.plaid.com/']);
    expect(csp['connect-src']).toEqual([
      "'self'",
      'https://production.plaid.com/',
      'https://sandbox.plaid.com/',
    ]);
    expect(contentSecurityPolicy('emulator')['script-src']).toEqual(["'self'"]);
  });
});
