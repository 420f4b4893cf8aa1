import { loadConfig } from '@app/common';
import { GatewayConfig } from '../config';
import { parseTrustProxy } from './trust-proxy';

describe(parseTrustProxy.name, () => {
  it.each([
    ['true', true],
    ['false', false],
    ['yes', true],
    ['0', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.0/8,192.168.0.0/16', ['10.0.0.0/8', '192.168.0.0/16']],
    ['127.0.0.1', ['127.0.0.1']],
    ['::1/128, 10.1.2.3', ['::1/128', '10.1.2.3']],
  ])('reads %p as %p', (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it.each(['maybe', '10.0.0.0/33', '10.0.0/8', '11', '10.0.0.0/8,', 'fe80::/129'])('refuses %p', (raw) => {
    expect(parseTrustProxy(raw)).toBeNull();
  });

  it('makes the config fail when TRUST_PROXY is none of the accepted forms', () => {
    expect(() =>
      loadConfig(GatewayConfig, {
        JWT_SECRET: 'x'.repeat(32),
        BROKER_SEALING_SECRET: 'y'.repeat(32),
        TRUST_PROXY: 'maybe',
      }),
    ).toThrow(/TRUST_PROXY/);
  });

  it('keeps TRUST_PROXY false when it is not set', () => {
    const config = loadConfig(GatewayConfig, {
      JWT_SECRET: 'x'.repeat(32),
      BROKER_SEALING_SECRET: 'y'.repeat(32),
    });
    expect(config.TRUST_PROXY).toBe(false);
  });

  it('reads a hop count from the environment as a number', () => {
    const config = loadConfig(GatewayConfig, {
      JWT_SECRET: 'x'.repeat(32),
      BROKER_SEALING_SECRET: 'y'.repeat(32),
      TRUST_PROXY: '1',
    });
    expect(config.TRUST_PROXY).toBe(1);
  });
});
