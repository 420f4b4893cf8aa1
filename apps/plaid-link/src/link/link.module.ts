import { Module } from '@nestjs/common';
import { ItemsModule } from '../items/items.module';
import { OutboxModule } from '../outbox/outbox.module';
import { PlaidItemsModule } from '../plaid-items/plaid-items.module';
import { ExchangesRepository } from './exchanges.repository';
import { LinkHandler } from './link.handler';
import { LinkRateLimiter } from './link-rate-limiter.service';
import { LinkService } from './link.service';
import { RateLimitsRepository } from './rate-limits.repository';

// Link tokens and the public-token exchange that creates an item. Nothing here is used by other features.
@Module({
  imports: [ItemsModule, PlaidItemsModule, OutboxModule],
  controllers: [LinkHandler],
  providers: [LinkService, ExchangesRepository, LinkRateLimiter, RateLimitsRepository],
})
export class LinkModule {}
