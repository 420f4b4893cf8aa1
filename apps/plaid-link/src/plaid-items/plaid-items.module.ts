import { Module } from '@nestjs/common';
import { AccessTokenCipher, plaidProviders } from '@app/plaid';
import { PlaidApi } from 'plaid';
import { APP_CONFIG } from '../config';
import { PlaidItemsService } from './plaid-items.service';

// The Plaid client, the access-token cipher and what every feature does with an item at Plaid.
@Module({
  providers: [...plaidProviders(APP_CONFIG), PlaidItemsService],
  exports: [PlaidApi, AccessTokenCipher, PlaidItemsService],
})
export class PlaidItemsModule {}
