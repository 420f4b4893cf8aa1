import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/messaging';
import { APP_CONFIG, AuthConfig } from '../config';
import { AttemptsRepository, type Window } from './attempts.repository';
import { rateLimited, windowAt } from './windows';

const TOO_MANY = 'Too many login attempts; try again later';
export const UNKNOWN_ADDRESS = 'unknown';

// The hard-limit counters an admitted attempt was counted under.
export interface LoginAdmission {
  keys: string[];
  window: Window;
}

// Login throttling, checked before any hashing (argon2 is the expensive part of a login). The design:
// - Hard limits, 429 until the window ends: per (email, client address) and per client address. A stranger's
//   guesses fill only the stranger's buckets, never the owner's, so they cannot lock the owner out.
// - A soft limit per email, against one account guessed from many addresses: after
//   LOGIN_EMAIL_DELAY_AFTER_FAILURES failures in a window, a guess from an address is let through only once per
//   delay (2 s by default, doubling per further failure, capped at LOGIN_EMAIL_DELAY_MAX_SECONDS), and 429 with
//   the remaining delay as Retry-After otherwise. The slot is claimed before the password is checked, so a
//   thousand addresses guessing at once get one guess per delay between them.
// - Addresses the account signed up or logged in from before (kept as long as a refresh token lives) skip the
//   soft limit: the owner on their own address still gets in while the email is under attack; the owner on a
//   new address waits at most the cap. An address with no failures but no history is a stranger: exempting it
//   would hand every fresh address of a botnet a free guess.
// - Only failures count against a person: an admitted attempt holds its place in the hard limits while the
//   password is checked (so concurrent guesses cannot all slip past the check), and a success gives it back. A
//   user who logs in and out all day is never locked out.
// - A refused attempt writes nothing (its transaction rolls back); every row expires and is pruned.
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly attempts: AttemptsRepository,
    @Inject(APP_CONFIG) private readonly config: AuthConfig,
  ) {}

  // Answers the admission to hand back to succeeded() once the password checked out.
  async admit(email: string, clientIp: string): Promise<LoginAdmission> {
    const now = Date.now();
    const window = windowAt(now, this.config.LOGIN_RATE_WINDOW_SECONDS);
    const keys = loginKeys(email, clientIp);
    const admission: LoginAdmission = { keys: [keys.emailIp, keys.ip], window };
    await this.uow.run(async ({ manager: em }) => {
      const hits = await this.attempts.hit(em, [keys.emailIp, keys.ip], window);
      if (
        (hits.get(keys.emailIp) ?? 0) > this.config.LOGIN_RATE_LIMIT_PER_EMAIL_AND_IP ||
        (hits.get(keys.ip) ?? 0) > this.config.LOGIN_RATE_LIMIT_PER_IP
      ) {
        throw rateLimited(TOO_MANY, now, window.end);
      }
      if (await this.attempts.isMarked(em, keys.known, new Date(now))) return;
      const failures = await this.attempts.lockWindow(em, keys.email, window);
      if (!failures || failures.hits < this.config.LOGIN_EMAIL_DELAY_AFTER_FAILURES) return;
      if (failures.nextAt && failures.nextAt.getTime() > now)
        throw rateLimited(TOO_MANY, now, failures.nextAt);
      await this.attempts.delayUntil(em, keys.email, new Date(now + this.delayMs(failures.hits)));
    });
    return admission;
  }

  // The right password: the attempt no longer counts against the address or the (email, address) pair.
  async succeeded(admission: LoginAdmission): Promise<void> {
    await this.attempts.refund(admission.keys, admission.window);
  }

  // A wrong password (or an unknown email) counts against the email and starts or lengthens its delay.
  async failed(email: string): Promise<void> {
    const now = Date.now();
    const window = windowAt(now, this.config.LOGIN_RATE_WINDOW_SECONDS);
    const key = loginKeys(email, '').email;
    // One transaction: the delay is computed from the count it was written with.
    await this.uow.run(async ({ manager: em }) => {
      const failures = (await this.attempts.hit(em, [key], window)).get(key) ?? 0;
      if (failures >= this.config.LOGIN_EMAIL_DELAY_AFTER_FAILURES) {
        await this.attempts.delayUntil(em, key, new Date(now + this.delayMs(failures)));
      }
    });
  }

  // The account's owner used this address (signup or login): it skips the per-email delay from now on. An
  // address the gateway could not tell is nobody's own.
  async rememberAddress(email: string, clientIp: string): Promise<void> {
    if (clientIp === UNKNOWN_ADDRESS) return;
    const now = Date.now();
    const expiresAt = new Date(now + this.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
    await this.attempts.mark(loginKeys(email, clientIp).known, new Date(now), expiresAt);
  }

  private delayMs(failures: number): number {
    const steps = Math.min(failures - this.config.LOGIN_EMAIL_DELAY_AFTER_FAILURES, 16);
    const seconds = this.config.LOGIN_EMAIL_DELAY_SECONDS * 2 ** Math.max(0, steps);
    return Math.min(seconds, this.config.LOGIN_EMAIL_DELAY_MAX_SECONDS) * 1000;
  }
}

// The address goes first: it never contains '|', an email may.
function loginKeys(email: string, clientIp: string): Record<'ip' | 'emailIp' | 'email' | 'known', string> {
  return {
    ip: `login-ip:${clientIp}`,
    emailIp: `login-email-ip:${clientIp}|${email}`,
    email: `login-email:${email}`,
    known: `login-known:${clientIp}|${email}`,
  };
}
