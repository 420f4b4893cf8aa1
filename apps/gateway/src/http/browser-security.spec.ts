import { loadConfig } from '@app/common';
import { GatewayConfig } from '../config';
import { parseCorsOrigins } from './browser-security';

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
