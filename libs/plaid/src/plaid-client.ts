import { Logger } from '@nestjs/common';
import axios, { type AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { Configuration, PlaidApi } from 'plaid';
import { resolvePlaidTarget, type PlaidServiceConfig } from './plaid-config';
import { toPlaidApiError } from './plaid-error';

export interface PlaidCallLog {
  endpoint: string;
  durationMs: number;
  status: number | 'network_error';
  requestId: string | null;
  errorCode?: string;
}

export interface PlaidClientOptions {
  // Lets the app count calls for metrics; a throwing callback never breaks the call.
  onCall?: (log: PlaidCallLog) => void;
  logger?: Logger;
}

function endpointOf(url: string | undefined, basePath: string): string {
  if (!url) return 'unknown';
  // The SDK requests basePath + '/endpoint'; strip the base so a proxy prefix does not leak into the name.
  const rest = url.startsWith(basePath)
    ? url.slice(basePath.length)
    : new URL(url, 'http://plaid.invalid').pathname;
  const path = rest.split(/[?#]/)[0];
  return path.startsWith('/') ? path : `/${path}`;
}

function requestIdOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const id = (data as { request_id?: unknown }).request_id;
  return typeof id === 'string' ? id : null;
}

// A PlaidApi on its own axios instance: a timeout on every call and one structured log line per call.
// Headers, bodies and axios configs are never logged: the config carries PLAID-SECRET.
export function createPlaidClient(c: PlaidServiceConfig, options: PlaidClientOptions = {}): PlaidApi {
  const target = resolvePlaidTarget(c);
  const logger = options.logger ?? new Logger('PlaidClient');
  const startedAt = new WeakMap<InternalAxiosRequestConfig, number>();
  const instance = axios.create();

  const record = (
    config: InternalAxiosRequestConfig | undefined,
    fields: Omit<PlaidCallLog, 'endpoint' | 'durationMs'>,
  ) => {
    const start = config ? startedAt.get(config) : undefined;
    const log: PlaidCallLog = {
      endpoint: endpointOf(config?.url, target.basePath),
      durationMs: start === undefined ? 0 : Math.round(performance.now() - start),
      ...fields,
    };
    // Plaid's id goes under its own key: pino's mixin puts our correlation id in `requestId`.
    const line = {
      msg: 'plaid call',
      endpoint: log.endpoint,
      durationMs: log.durationMs,
      status: log.status,
      plaidRequestId: log.requestId,
      ...(log.errorCode ? { errorCode: log.errorCode } : {}),
    };
    if (log.errorCode) logger.warn(line);
    else logger.log(line);
    try {
      options.onCall?.(log);
    } catch {
      // Metrics must not turn a Plaid success into a failure.
    }
  };

  instance.interceptors.request.use((config) => {
    startedAt.set(config, performance.now());
    return config;
  });
  instance.interceptors.response.use(
    (response: AxiosResponse) => {
      record(response.config, { status: response.status, requestId: requestIdOf(response.data) });
      return response;
    },
    (error: unknown) => {
      const response = (error as Partial<AxiosError>).response;
      const mapped = toPlaidApiError(error);
      record((error as Partial<AxiosError>).config, {
        status: response ? response.status : 'network_error',
        requestId: mapped.requestId ?? requestIdOf(response?.data),
        errorCode: mapped.errorCode,
      });
      // Rethrown untouched: plaidCall/toPlaidApiError turn it into a PlaidApiError.
      return Promise.reject(error instanceof Error ? error : new Error('Plaid call failed'));
    },
  );

  const configuration = new Configuration({
    basePath: target.basePath,
    baseOptions: {
      timeout: c.PLAID_TIMEOUT_MS,
      headers: {
        'PLAID-CLIENT-ID': target.clientId,
        'PLAID-SECRET': target.secret,
        'Plaid-Version': c.PLAID_VERSION,
      },
    },
  });
  return new PlaidApi(configuration, undefined, instance);
}
