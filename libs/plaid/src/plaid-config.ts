import { ServiceBaseConfig } from '@app/common';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MinLength,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { PlaidEnvironments } from 'plaid';
import { parseEncryptionKeys } from './access-token-cipher';

// require_tld: false so that loopback emulators and docker hostnames are accepted.
const HTTP_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

@ValidatorConstraint({ name: 'tokenEncryptionKeys' })
class TokenEncryptionKeysConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return keysProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return keysProblem(args.value) ?? 'must be "kid:base64-32-bytes[,kid:base64...]"';
  }
}

function keysProblem(value: unknown): string | null {
  try {
    parseEncryptionKeys(value as string);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : 'invalid';
  }
}

// Mixin for the configs of the services that call Plaid (plaid-link, sync-worker); never the gateway.
export class PlaidServiceConfig extends ServiceBaseConfig {
  @IsIn(['sandbox', 'production'])
  PLAID_ENV: 'sandbox' | 'production' = 'sandbox';

  @IsOptional()
  @IsString()
  @MinLength(1)
  PLAID_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  PLAID_SECRET?: string;

  // Overrides the host (proxy, emulator) for both real keys and the emulator.
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  PLAID_BASE_URL?: string;

  // The local emulator, used when no Plaid keys are set.
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  PLAID_SANDBOX_URL = 'http://127.0.0.1:8090';

  @IsString()
  @MinLength(1)
  PLAID_SANDBOX_CLIENT_ID = 'sandbox-client-id';

  @IsString()
  @MinLength(1)
  PLAID_SANDBOX_SECRET = 'sandbox-secret';

  @Type(() => Number)
  @IsInt()
  @Min(100)
  PLAID_TIMEOUT_MS = 15000;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a Plaid API version like 2020-09-14' })
  PLAID_VERSION = '2020-09-14';

  // Public URL of the gateway's POST /v1/webhooks/plaid. Empty or unset: no webhooks (link tokens carry none and
  // sync-worker polls every item instead).
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() === '' ? undefined : value,
  )
  @IsOptional()
  @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
  PLAID_WEBHOOK_URL?: string;

  // "kid:base64-32-bytes[,kid:base64...]"; the first key encrypts, all of them decrypt.
  @IsString()
  @Validate(TokenEncryptionKeysConstraint)
  TOKEN_ENCRYPTION_KEYS: string;
}

export interface PlaidTarget {
  basePath: string;
  clientId: string;
  secret: string;
  emulator: boolean;
  env: 'sandbox' | 'production';
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

// Both keys → real Plaid; neither → the local emulator; one of the two → a configuration mistake.
export function resolvePlaidTarget(c: PlaidServiceConfig): PlaidTarget {
  const hasId = present(c.PLAID_CLIENT_ID);
  const hasSecret = present(c.PLAID_SECRET);
  if (hasId !== hasSecret) {
    throw new Error(
      `${hasId ? 'PLAID_SECRET' : 'PLAID_CLIENT_ID'} is missing: set both PLAID_CLIENT_ID and PLAID_SECRET, or neither to use the emulator`,
    );
  }
  const override = present(c.PLAID_BASE_URL) ? c.PLAID_BASE_URL : undefined;
  if (hasId && hasSecret) {
    return {
      basePath: stripSlash(override ?? PlaidEnvironments[c.PLAID_ENV]),
      clientId: c.PLAID_CLIENT_ID as string,
      secret: c.PLAID_SECRET as string,
      emulator: false,
      env: c.PLAID_ENV,
    };
  }
  // A production deployment whose keys went missing must not silently talk to an emulator.
  if (c.PLAID_ENV === 'production') {
    throw new Error('PLAID_ENV is production but PLAID_CLIENT_ID and PLAID_SECRET are missing');
  }
  return {
    basePath: stripSlash(override ?? c.PLAID_SANDBOX_URL),
    clientId: c.PLAID_SANDBOX_CLIENT_ID,
    secret: c.PLAID_SANDBOX_SECRET,
    emulator: true,
    env: 'sandbox',
  };
}

// The SDK builds URLs as basePath + '/endpoint'.
function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
