import { IsString, Length } from 'class-validator';

export class WebhookKeyRequest {
  @IsString()
  @Length(1, 128)
  kid: string;
}

// Plaid's public webhook verification key (a JWK); public, so the gateway may cache and use it.
export interface WebhookKeyResponse {
  key: {
    alg: string;
    crv: string;
    kid: string;
    kty: string;
    use: string;
    x: string;
    y: string;
    created_at: number;
    expired_at: number | null;
  } | null;
}
