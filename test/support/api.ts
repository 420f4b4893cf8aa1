import { randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ServiceProcess } from './processes';
import { RUN_FILE, type RunInfo, TestSystem } from './system';
import { waitFor } from './wait-for';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

let run: RunInfo | undefined;
export function runInfo(): RunInfo {
  run ??= TestSystem.load();
  return run;
}

// A distinct client address per test user keeps the per-address login limit out of unrelated tests.
export function randomIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export class Api {
  constructor(
    readonly baseUrl: string = runInfo().gateways[0],
    private readonly clientIp: string = randomIp(),
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.clientIp, ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }

  get<T = any>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { token });
  }

  post<T = any>(path: string, body?: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { body, token });
  }

  delete<T = any>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, { token });
  }
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${randomUUID().slice(0, 8)}@example.com`;
}

export interface LoggedInUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  api: Api;
}

export async function signupAndLogin(api = new Api(), tag = 'user'): Promise<LoggedInUser> {
  const email = uniqueEmail(tag);
  const password = 'correct horse battery';
  const signup = await api.post('/v1/auth/signup', { email, password });
  if (signup.status !== 201)
    throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const login = await api.post('/v1/auth/login', { email, password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    id: signup.body.id,
    email,
    password,
    accessToken: login.body.accessToken,
    refreshToken: login.body.refreshToken,
    api,
  };
}

// Starts another instance of a service with the run's settings; the caller stops it.
export function startExtra(name: string, overrides: Record<string, string> = {}): ServiceProcess {
  const info = runInfo();
  const spec = info.services[name];
  // An extra gateway would otherwise take its original's METRICS_PORT (taken): none unless the test asks.
  const ports: Record<string, string> = spec.app === 'gateway' ? { METRICS_PORT: '0' } : {};
  const proc = new ServiceProcess(
    `${name}-extra-${Date.now()}`,
    spec.app,
    { ...spec.env, ...ports, ...overrides },
    info.logDir,
  );
  proc.start();
  // Global teardown ends whatever a test left running.
  if (proc.pid) appendFileSync(join(info.logDir, 'extra-pids'), `${proc.pid}\n`);
  return proc;
}

export interface ExtraGateway {
  proc: ServiceProcess;
  url: string;
  api: Api;
  stop(): Promise<void>;
}

// A gateway of the test's own beside the run's two, on a free port, returned once `/health/<until>` answers 200
// (stopped again if it never does). `overrides` are its environment on top of the run's first gateway's.
export async function startGateway(
  overrides: Record<string, string> = {},
  {
    until = 'live',
    what = 'extra gateway',
    timeoutMs = 30_000,
  }: { until?: 'live' | 'ready'; what?: string; timeoutMs?: number } = {},
): Promise<ExtraGateway> {
  const port = await freePort();
  const proc = startExtra('gateway-0', { PORT: String(port), ...overrides });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => (await fetch(`${url}/health/${until}`).catch(() => undefined))?.status === 200,
      {
        what: `${what} ${until}`,
        timeoutMs,
      },
    );
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return { proc, url, api: new Api(url), stop: () => proc.stop() };
}

// A suite that killed one of the run's own services leaves this in its place, with the run's settings, for the
// suites after it (maxWorkers 1: they run next); tests that kill "the" service by pid find the replacement.
export function replaceRunService(name: string): ServiceProcess {
  const replacement = startExtra(name);
  const info = JSON.parse(readFileSync(RUN_FILE, 'utf8')) as RunInfo;
  info.services[name].pid = replacement.pid;
  writeFileSync(RUN_FILE, JSON.stringify(info, null, 2));
  return replacement;
}

// Pids of the run's processes (its services and the extras tests started) that are alive now. A test that must
// show it crashed nothing compares this before and after: other suites kill and replace services on purpose.
export function livePids(): number[] {
  const info = runInfo();
  const extrasFile = join(info.logDir, 'extra-pids');
  const extras = existsSync(extrasFile)
    ? readFileSync(extrasFile, 'utf8').split('\n').filter(Boolean).map(Number)
    : [];
  const all = [...Object.values(info.services).map((s) => s.pid), ...extras];
  return all.filter((pid): pid is number => typeof pid === 'number' && isAlive(pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function expectErrorShape(body: any, statusCode: number, code: string): void {
  expect(body).toEqual(
    expect.objectContaining({ statusCode, code, message: expect.any(String), requestId: expect.any(String) }),
  );
}
