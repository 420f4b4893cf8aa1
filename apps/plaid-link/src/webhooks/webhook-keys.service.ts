import { Injectable } from '@nestjs/common';
import { type WebhookKeyResponse } from '@app/contracts';
import { PlaidApiError, plaidCall, plaidDomainError } from '@app/plaid';
import { PlaidApi } from 'plaid';

// Plaid's public webhook verification keys, looked up for the gateway (which holds no Plaid credentials).
@Injectable()
export class WebhookKeysService {
  constructor(private readonly plaid: PlaidApi) {}

  async get(kid: string): Promise<WebhookKeyResponse> {
    try {
      const res = await plaidCall(() => this.plaid.webhookVerificationKeyGet({ key_id: kid }));
      const k = res.key;
      return {
        key: {
          alg: k.alg,
          crv: k.crv,
          kid: k.kid,
          kty: k.kty,
          use: k.use,
          x: k.x,
          y: k.y,
          created_at: k.created_at,
          expired_at: k.expired_at ?? null,
        },
      };
    } catch (err) {
      if (err instanceof PlaidApiError && err.errorCode === 'INVALID_WEBHOOK_VERIFICATION_KEY_ID')
        return { key: null };
      if (err instanceof PlaidApiError) throw plaidDomainError(err);
      throw err;
    }
  }
}
