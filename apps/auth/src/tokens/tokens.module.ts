import { Module } from '@nestjs/common';
import { TokensService } from './tokens.service';

// Access JWTs (signed for login and refresh) and refresh-token secrets (issued and checked by sessions).
@Module({
  providers: [TokensService],
  exports: [TokensService],
})
export class TokensModule {}
