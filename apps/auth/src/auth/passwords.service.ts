import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { APP_CONFIG, AuthConfig } from '../config';

@Injectable()
export class PasswordsService implements OnModuleInit {
  // Verifying an unknown email against this hash makes it cost what a wrong password costs.
  private dummyHash = '';

  constructor(@Inject(APP_CONFIG) private readonly config: AuthConfig) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.hash('dummy password that never matches anything');
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id,
      memoryCost: this.config.ARGON2_MEMORY_KIB,
      timeCost: this.config.ARGON2_TIME_COST,
      parallelism: 1,
    });
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.dummyHash, password);
      return ok && hash !== undefined;
    } catch {
      return false;
    }
  }
}
